import type { ApolloServer } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { createHandler } from 'graphql-sse/lib/use/express';
import type { TokenVerifier } from '../auth/index.ts';
import type { GatewayContext } from '../IdentityForwardingDataSource.ts';
import type { OperationLimits } from '../limits/index.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { LoadedSupergraph } from '../supergraph/loadSupergraph.ts';
import { authenticateConnection } from './authenticateConnection.ts';
import type { SubscriptionHub } from './createSubscriptionHub.ts';
import { endAtExpiry } from './endAtExpiry.ts';
import { executeThroughApollo } from './executeThroughApollo.ts';
import { prepareOperation } from './prepareOperation.ts';
import { waitAtMost } from './waitAtMost.ts';

export interface ServerSentEventsOptions {
  verify: TokenVerifier;
  hub: SubscriptionHub;
  apollo: ApolloServer<GatewayContext>;
  supergraph(): LoadedSupergraph;
  limits: OperationLimits;
  metrics: GatewayMetrics;
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
  const handler = createHandler({
    onSubscribe: async (req, params) => {
      if (closing) {
        return json(503, 'Service Unavailable', [
          { message: 'the gateway is restarting; subscribe again', extensions: { code: 'SERVICE_RESTART' } },
        ]);
      }
      const auth = await authenticateConnection(options.verify, req.headers.get('authorization'));
      if (!auth.ok) {
        return json(auth.status, auth.status === 401 ? 'Unauthorized' : 'Forbidden', [
          { message: auth.reason, extensions: { code: auth.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN' } },
        ]);
      }
      const request = { query: params.query, variables: params.variables ?? null, operationName: params.operationName };
      const prepared = prepareOperation(options.supergraph(), request, options.limits);
      if (prepared.kind === 'invalid') {
        return json(
          400,
          'Bad Request',
          prepared.errors.map((e) => ({ message: e.message, extensions: e.extensions })),
        );
      }
      if (prepared.kind === 'execute') return executeThroughApollo(options.apollo, request, auth.identity);
      const stream = req.context.res;
      streams.add(stream);
      stream.once('close', () => streams.delete(stream));
      options.metrics.activeSubscriptions.inc({ transport: 'sse' });
      const results = options.hub.subscribe(prepared.plan, auth.identity, () =>
        options.metrics.activeSubscriptions.dec({ transport: 'sse' }),
      );
      return endAtExpiry(results, auth.identity.expiresAt);
    },
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
