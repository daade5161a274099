import { GATEWAY_IDENTITY_HEADER, type Identity, sealIdentity } from '@bst/identity';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { UpstreamEvent } from './hydrateEvent.ts';
import type { SubscriptionPlan } from './prepareOperation.ts';

export interface UpstreamRetry {
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface UpstreamHandlers {
  next(event: UpstreamEvent): void;
  /** The subgraph ended the subscription with errors (not a lost connection: that is retried). */
  error(errors: UpstreamEvent['errors']): void;
  complete(): void;
}

export interface Upstream {
  close(): void;
}

export function subgraphWebSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** A close the subgraph means (bad request, refused identity): retrying would only repeat it. */
function isFatalClose(reason: unknown): boolean {
  const code = (reason as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code >= 4400 && code < 4500;
}

/**
 * Opens the plan's primary fetch as a graphql-ws subscription to the owning subgraph, with the scope's identity
 * sealed into connectionParams; a dropped connection is retried with capped exponential backoff and re-subscribed.
 */
export function openUpstream(
  plan: SubscriptionPlan,
  identity: Identity,
  secret: string,
  retry: UpstreamRetry,
  handlers: UpstreamHandlers,
): Upstream {
  const client = createClient({
    url: subgraphWebSocketUrl(plan.owner.url),
    webSocketImpl: WebSocket,
    lazy: true,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (reason) => !isFatalClose(reason),
    retryWait: async (retries) => {
      const delay = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** retries);
      await new Promise((resolve) => setTimeout(resolve, delay * (0.75 + Math.random() / 2)));
    },
    connectionParams: () => ({ [GATEWAY_IDENTITY_HEADER]: sealIdentity(identity, secret) }),
  });
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
      void client.dispose();
    },
  };
}
