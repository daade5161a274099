import type { Server } from 'node:http';
import { GATEWAY_IDENTITY_HEADER, type Identity, openIdentity } from '@bst/identity';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

export interface SubscriptionServerOptions<TContext> {
  httpServer: Server;
  schema: GraphQLSchema;
  gatewaySecret: string;
  context: (identity: Identity) => TContext;
  keepAliveMs?: number;
}

/**
 * graphql-ws on the same server and `/graphql` path as queries. The gateway seals the caller into connectionParams
 * `x-bst-identity`; a connection without a valid one is closed with 4403 before any subscription starts.
 */
export function serveSubscriptions<TContext extends Record<string, unknown> | object>(
  options: SubscriptionServerOptions<TContext>,
): { stop(): Promise<void> } {
  const wss = new WebSocketServer({ server: options.httpServer, path: '/graphql' });
  const identities = new WeakMap<object, Identity>();
  const server = useServer(
    {
      schema: options.schema,
      onConnect: (ctx) => {
        const sealed = ctx.connectionParams?.[GATEWAY_IDENTITY_HEADER];
        const identity = openIdentity(typeof sealed === 'string' ? sealed : undefined, options.gatewaySecret);
        if (!identity) return false;
        identities.set(ctx.extra.socket, identity);
        return true;
      },
      context: (ctx) => options.context(identities.get(ctx.extra.socket)!) as Record<string, unknown>,
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
