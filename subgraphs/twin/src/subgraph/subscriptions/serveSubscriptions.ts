import type { Server } from 'node:http';
import { GATEWAY_IDENTITY_HEADER, type Identity, type IdentitySeal } from '@bst/identity';
import { createErrorMasker, dropOversizeMessages, type ErrorLog } from '@bst/service-kit';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

export interface SubscriptionServerOptions<TContext> {
  httpServer: Server;
  schema: GraphQLSchema;
  /** Opens the identity the gateway sealed into connectionParams (shared with the HTTP server). */
  identitySeal: IdentitySeal;
  context: (identity: Identity) => TContext;
  keepAliveMs?: number;
  /** A larger message closes the socket with 1009 before it is parsed. */
  maxPayloadBytes: number;
  errorLog?: ErrorLog;
}

/**
 * graphql-ws on the same server and `/graphql` path as queries. The gateway seals the caller into connectionParams
 * `x-bst-identity`; a connection without a valid, fresh one is closed with 4403 before any subscription starts.
 * Errors leave masked, as over HTTP.
 */
export function serveSubscriptions<TContext extends Record<string, unknown> | object>(
  options: SubscriptionServerOptions<TContext>,
): { stop(): Promise<void> } {
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    maxPayload: options.maxPayloadBytes,
  });
  dropOversizeMessages(wss);
  const identities = new WeakMap<object, Identity>();
  const mask = createErrorMasker('twin-subscriptions', options.errorLog);
  const masked = (errors: readonly GraphQLError[]) => errors.map((error) => mask(error.toJSON(), error));
  const server = useServer(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const sealed = ctx.connectionParams?.[GATEWAY_IDENTITY_HEADER];
        const identity = await options.identitySeal.open(typeof sealed === 'string' ? sealed : undefined);
        if (!identity) return false;
        identities.set(ctx.extra.socket, identity);
        return true;
      },
      context: (ctx) => options.context(identities.get(ctx.extra.socket)!) as Record<string, unknown>,
      onNext: (_ctx, _id, _payload, args, result) => {
        // The reading's id travels to the gateway beside the data (not in the schema), for its delivery log line.
        const delivering = (args.contextValue as { delivering?: { eventId?: string } } | undefined)?.delivering;
        const eventId = delivering?.eventId;
        if (delivering) delivering.eventId = undefined;
        if (!result.errors && eventId === undefined) return undefined;
        return {
          ...result,
          ...(result.errors ? { errors: masked(result.errors) } : {}),
          ...(eventId === undefined ? {} : { extensions: { ...result.extensions, eventId } }),
        };
      },
      onError: (_ctx, _id, _payload, errors) => masked(errors),
    },
    wss,
    options.keepAliveMs,
  );
  return {
    async stop() {
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
