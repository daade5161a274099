import type { Client } from 'graphql-ws';
import type { UpstreamEvent } from './hydrateEvent.ts';
import type { SubscriptionPlan } from './prepareOperation.ts';
import { eventCursor, upstreamOperation } from './upstreamOperation.ts';

export interface UpstreamHandlers {
  /** `cursor`: where the event leaves a resumable stream (absent otherwise). */
  next(event: UpstreamEvent, cursor: string | undefined): void;
  /** The subgraph ended the subscription with errors (not a lost connection: that is retried). */
  error(errors: UpstreamEvent['errors']): void;
  complete(): void;
}

export interface Upstream {
  close(): void;
}

/**
 * Subscribes the plan's primary fetch on the owning subgraph's pooled client (one socket per subgraph and scope); a
 * dropped connection is retried by the client with capped backoff and every subscription on it re-subscribed. A
 * resumable stream is re-subscribed from `resumeFrom()` as it is at that moment (the payload is serialised at every
 * send), so a subgraph restart costs no event and repeats none.
 */
export function openUpstream(
  plan: SubscriptionPlan,
  client: Client,
  handlers: UpstreamHandlers,
  resumeFrom: () => string | null = () => null,
): Upstream {
  const operation = upstreamOperation(plan);
  const variables: Record<string, unknown> = {};
  for (const name of operation.variableNames) {
    if (name in plan.variables) variables[name] = plan.variables[name];
  }
  const { afterVariable } = operation;
  const payload = {
    query: operation.query,
    operationName: operation.operationName,
    get variables() {
      return afterVariable ? { ...variables, [afterVariable]: resumeFrom() } : variables;
    },
  };
  let closed = false;
  const unsubscribe = client.subscribe<Record<string, unknown>>(payload, {
    next: (event) => {
      if (!closed) handlers.next(event as UpstreamEvent, eventCursor(operation, event.data));
    },
    error: (error) => {
      if (closed) return;
      if (Array.isArray(error)) handlers.error(error);
      else {
        const reason =
          error instanceof Error
            ? error.message
            : `connection closed (${String((error as { code?: unknown })?.code ?? error)})`;
        handlers.error([
          {
            message: `subscription to subgraph "${plan.owner.name}" failed: ${reason}`,
            extensions: { code: 'SUBGRAPH_ERROR' },
          },
        ]);
      }
    },
    complete: () => {
      if (!closed) handlers.complete();
    },
  });
  return {
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
    },
  };
}
