import type { Client } from 'graphql-ws';
import type { UpstreamEvent } from './hydrateEvent.ts';
import type { SubscriptionPlan } from './prepareOperation.ts';

export interface UpstreamHandlers {
  next(event: UpstreamEvent): void;
  /** The subgraph ended the subscription with errors (not a lost connection: that is retried). */
  error(errors: UpstreamEvent['errors']): void;
  complete(): void;
}

export interface Upstream {
  close(): void;
}

/**
 * Subscribes the plan's primary fetch on the owning subgraph's pooled client (one socket per subgraph and scope); a
 * dropped connection is retried by the client with capped backoff and every subscription on it re-subscribed.
 */
export function openUpstream(plan: SubscriptionPlan, client: Client, handlers: UpstreamHandlers): Upstream {
  const variables: Record<string, unknown> = {};
  for (const name of plan.primary.variableUsages ?? []) {
    if (name in plan.variables) variables[name] = plan.variables[name];
  }
  let closed = false;
  const unsubscribe = client.subscribe<Record<string, unknown>>(
    { query: plan.primary.operation, variables, operationName: plan.primary.operationName },
    {
      next: (event) => handlers.next(event as UpstreamEvent),
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
    },
  );
  return {
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
    },
  };
}
