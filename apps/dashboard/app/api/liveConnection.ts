import type { TadaDocumentNode } from 'gql.tada';
import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import type { GraphQLErrorShape } from './request.ts';
import { authorization } from './token.ts';

export interface LiveConnectionEvents {
  /** The socket is (re)connected and its subscriptions are re-sent: time to refresh what has no cursor. */
  connected(): void;
  closed(): void;
  error(message: string): void;
}

export interface SubscriptionHandlers {
  /** Errors of this subscription (a result's errors, or its end with errors); default: shown as a notice. */
  errors?(errors: readonly GraphQLErrorShape[]): void;
  /** The server ended the subscription (with or without errors): it is not re-sent by itself. Not called after the
   * page's own unsubscribe or dispose. */
  ended?(): void;
}

export interface LiveConnection {
  /**
   * `variables` is read each time the subscription is sent, at first and again after every reconnect, so a resumable
   * subscription resumes from wherever the page is by then.
   */
  subscribe<Result, Variables>(
    document: TadaDocumentNode<Result, Variables>,
    variables: Variables | (() => Variables),
    onData: (data: Result) => void,
    handlers?: SubscriptionHandlers,
  ): () => void;
  dispose(): void;
}

// Reconnect quickly and steadily: an operator watching a restart wants the page back within seconds, not minutes.
const retryDelaysMs = [500, 1000, 2000, 3000];

const asErrors = (error: unknown): GraphQLErrorShape[] =>
  Array.isArray(error)
    ? (error as GraphQLErrorShape[])
    : [{ message: error instanceof Error ? error.message : 'subscription closed' }];

/** graphql-ws to the same-origin gateway, retrying forever; the token travels in connection_init. */
export function openLiveConnection(events: LiveConnectionEvents): LiveConnection {
  let disposed = false;
  const client: Client = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => {
      const auth = authorization();
      return auth ? { authorization: auth } : {};
    },
    lazy: false,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, retryDelaysMs[Math.min(retries, retryDelaysMs.length - 1)])),
    // A disposed client's socket closes after its replacement may have connected (a pasted token reconnects): its
    // close is not the backend's, and taken as one it left the page offline with a live socket.
    on: {
      connected: () => {
        if (!disposed) events.connected();
      },
      closed: () => {
        if (!disposed) events.closed();
      },
    },
  });
  return {
    subscribe(document, variables, onData, handlers = {}) {
      const showErrors =
        handlers.errors ?? ((errors) => events.error(errors.map((error) => error.message).join(' · ')));
      const query = print(document);
      // graphql-ws serialises the payload at every (re)send: the getter gives the variables of that moment.
      const payload = {
        query,
        get variables() {
          return (typeof variables === 'function' ? (variables as () => unknown)() : variables) as Record<
            string,
            unknown
          >;
        },
      };
      let stopped = false;
      const ended = () => {
        if (!stopped && !disposed) handlers.ended?.();
      };
      const unsubscribe = client.subscribe(payload, {
        next: ({ data, errors }) => {
          if (errors?.length) showErrors(errors as GraphQLErrorShape[]);
          if (data) onData(data as never);
        },
        error: (error) => {
          if (!stopped && !disposed) showErrors(asErrors(error));
          ended();
        },
        // Also called once the page itself unsubscribes: only a server's end counts.
        complete: ended,
      });
      return () => {
        stopped = true;
        unsubscribe();
      };
    },
    dispose: () => {
      disposed = true;
      void client.dispose();
    },
  };
}
