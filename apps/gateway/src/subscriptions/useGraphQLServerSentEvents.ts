import type { ApolloServer } from '@apollo/server';
import type { RequestHandler } from 'express';
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

export interface ServerSentEventsOptions {
  verify: TokenVerifier;
  hub: SubscriptionHub;
  apollo: ApolloServer<GatewayContext>;
  supergraph(): LoadedSupergraph;
  limits: OperationLimits;
  metrics: GatewayMetrics;
}

const json = (status: number, statusText: string, errors: { message: string; extensions?: object }[]) =>
  [
    JSON.stringify({ errors }),
    { status, statusText, headers: { 'content-type': 'application/json; charset=utf-8' } },
  ] as const;

/** graphql-sse (distinct connections) on `/graphql` for clients that ask for `Accept: text/event-stream`. */
export function useGraphQLServerSentEvents(options: ServerSentEventsOptions): RequestHandler {
  const handler = createHandler({
    onSubscribe: async (req, params) => {
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
      options.metrics.activeSubscriptions.inc({ transport: 'sse' });
      const results = options.hub.subscribe(prepared.plan, auth.identity, () =>
        options.metrics.activeSubscriptions.dec({ transport: 'sse' }),
      );
      return endAtExpiry(results, auth.identity.expiresAt);
    },
  });
  return (req, res, next) => {
    if (!req.headers.accept?.includes('text/event-stream')) {
      next();
      return;
    }
    handler(req, res).catch(next);
  };
}
