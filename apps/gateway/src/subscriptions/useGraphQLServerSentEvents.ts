import type { ApolloServer } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { GraphQLError } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/express';
import type { TokenVerifier } from '../auth/index.ts';
import type { GatewayContext } from '../IdentityForwardingDataSource.ts';
import {
  type ConnectionLimits,
  type OperationGuard,
  rateLimitKey,
  type SharedLimits,
  subscriptionLimitError,
} from '../limits/index.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { LoadedSupergraph } from '../supergraph/loadSupergraph.ts';
import { authenticateConnection } from './authenticateConnection.ts';
import type { SubscriptionHub } from './createSubscriptionHub.ts';
import { endAtExpiry } from './endAtExpiry.ts';
import { executeThroughApollo } from './executeThroughApollo.ts';
import { type ErrorMask, maskErrors } from './maskErrors.ts';
import { prepareOperation } from './prepareOperation.ts';
import { waitAtMost } from './waitAtMost.ts';

export interface ServerSentEventsOptions {
  verify: TokenVerifier;
  hub: SubscriptionHub;
  apollo: ApolloServer<GatewayContext>;
  supergraph(): LoadedSupergraph;
  guard: OperationGuard;
  connectionLimits: ConnectionLimits;
  sharedLimits: SharedLimits;
  metrics: GatewayMetrics;
  mask: ErrorMask;
  /** How long close() waits for streams to flush their end before dropping their connections. */
  closeTimeoutMs?: number;
}

export interface ServerSentEvents {
  /** Serves requests that accept `text/event-stream`; passes the others on. */
  handle: RequestHandler;
  /**
   * Refuses new streams and ends every subscription stream without a `complete` event, which graphql-sse clients
   * with retries take as a lost connection: they reconnect (to another instance) and subscribe again.
   */
  close(): Promise<void>;
}

const json = (status: number, statusText: string, errors: { message: string; extensions?: object }[]) =>
  [
    JSON.stringify({ errors }),
    { status, statusText, headers: { 'content-type': 'application/json; charset=utf-8' } },
  ] as const;

/** graphql-sse (distinct connections) on `/graphql` for clients that ask for `Accept: text/event-stream`. */
export function useGraphQLServerSentEvents(options: ServerSentEventsOptions): ServerSentEvents {
  const streams = new Set<Response>();
  let closing = false;
  const { connectionLimits: caps, sharedLimits: limits } = options;
  const refusal = (status: number, statusText: string, errors: GraphQLError[]) =>
    json(
      status,
      statusText,
      maskErrors(errors, options.mask).map((e) => ({ message: e.message, extensions: e.extensions })),
    );
  const handler = createHandler({
    onSubscribe: async (req, params) => {
      if (closing) {
        return refusal(503, 'Service Unavailable', [
          new GraphQLError('the gateway is restarting; subscribe again', { extensions: { code: 'SERVICE_RESTART' } }),
        ]);
      }
      const auth = await authenticateConnection(options.verify, req.headers.get('authorization'));
      if (!auth.ok) {
        return refusal(auth.status, auth.status === 401 ? 'Unauthorized' : 'Forbidden', [
          new GraphQLError(auth.reason, {
            extensions: { code: auth.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN' },
          }),
        ]);
      }
      const request = { query: params.query, variables: params.variables ?? null, operationName: params.operationName };
      const prepared = prepareOperation(options.supergraph(), request, options.guard);
      if (prepared.kind === 'invalid') return refusal(400, 'Bad Request', prepared.errors);
      if (prepared.kind === 'execute') return executeThroughApollo(options.apollo, request, auth.identity);
      // Each stream is one subscription of its identity, counted with its WebSocket subscriptions.
      const holder = rateLimitKey(auth.identity, req.raw.socket.remoteAddress);
      const lease = limits.newLease();
      if (!(await limits.acquire('subscriptions', holder, lease, caps.maxSubscriptionsPerIdentity))) {
        return refusal(429, 'Too Many Requests', [
          subscriptionLimitError('identity', caps.maxSubscriptionsPerIdentity),
        ]);
      }
      const stream = req.context.res;
      streams.add(stream);
      stream.once('close', () => streams.delete(stream));
      options.metrics.activeSubscriptions.inc({ transport: 'sse' });
      const results = options.hub.subscribe(prepared.plan, auth.identity, () => {
        options.metrics.activeSubscriptions.dec({ transport: 'sse' });
        limits.release('subscriptions', holder, lease);
      });
      return endAtExpiry(results, auth.identity.expiresAt);
    },
    // Whatever leaves on a stream is masked: a code and an error id, the detail only in the gateway's log.
    onNext: (_ctx, _req, result) =>
      'errors' in result && result.errors ? { ...result, errors: maskErrors(result.errors, options.mask) } : undefined,
  });
  return {
    handle: (req, res, next) => {
      if (!req.headers.accept?.includes('text/event-stream')) {
        next();
        return;
      }
      handler(req, res).catch(next);
    },
    async close() {
      closing = true;
      const open = [...streams];
      const gone = open.map((stream) => new Promise<void>((resolve) => stream.once('close', () => resolve())));
      // Ending the response (not the results) leaves graphql-sse no chance to write `complete`; ending the
      // connection too keeps the client's retry off this instance's kept-alive socket.
      for (const stream of open) {
        const socket = stream.socket;
        stream.end(() => socket?.end());
      }
      await waitAtMost(Promise.all(gone), options.closeTimeoutMs ?? 1000);
      for (const stream of streams) stream.destroy();
      await Promise.all(gone);
    },
  };
}
