import type { TadaDocumentNode } from 'gql.tada';
import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { authorization } from './token.ts';

export interface LiveConnectionEvents {
  /** The socket is (re)connected and its subscriptions are re-sent: time to take a fresh snapshot. */
  connected(): void;
  closed(): void;
  error(message: string): void;
}

export interface LiveConnection {
  subscribe<Result, Variables>(
    document: TadaDocumentNode<Result, Variables>,
    variables: Variables,
    onData: (data: Result) => void,
  ): () => void;
  dispose(): void;
}

// Reconnect quickly and steadily: an operator watching a restart wants the page back within seconds, not minutes.
const retryDelaysMs = [500, 1000, 2000, 3000];

/** graphql-ws to the same-origin gateway, retrying forever; the token travels in connection_init. */
export function openLiveConnection(events: LiveConnectionEvents): LiveConnection {
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
    on: {
      connected: () => events.connected(),
      closed: () => events.closed(),
    },
  });
  return {
    subscribe(document, variables, onData) {
      return client.subscribe(
        { query: print(document), variables: variables as Record<string, unknown> },
        {
          next: ({ data, errors }) => {
            if (errors?.length) events.error(errors.map((error) => error.message).join(' · '));
            if (data) onData(data as never);
          },
          error: (error) =>
            events.error(
              Array.isArray(error)
                ? error.map((e: { message: string }) => e.message).join(' · ')
                : error instanceof Error
                  ? error.message
                  : 'subscription closed',
            ),
          complete: () => {},
        },
      );
    },
    dispose: () => void client.dispose(),
  };
}
