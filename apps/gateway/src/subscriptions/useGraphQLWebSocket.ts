import type { Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Identity } from '@bst/identity';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { TokenVerifier } from '../auth/index.ts';
import type { GatewayContext } from '../IdentityForwardingDataSource.ts';
import { type OperationLimits, type RateLimiter, rateLimitedError, rateLimitKey } from '../limits/index.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { LoadedSupergraph } from '../supergraph/loadSupergraph.ts';
import { authenticateConnection } from './authenticateConnection.ts';
import type { SubscriptionHub } from './createSubscriptionHub.ts';
import { executeThroughApollo } from './executeThroughApollo.ts';
import { type PreparedOperation, prepareOperation } from './prepareOperation.ts';
import { waitAtMost } from './waitAtMost.ts';

type ConnectionState = {
  identity?: Identity;
  expiry?: NodeJS.Timeout;
};

interface OperationContextValue {
  identity: Identity;
  prepared: PreparedOperation;
  request: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null };
}

export interface GraphQLWebSocketOptions {
  httpServer: Server;
  path: string;
  verify: TokenVerifier;
  hub: SubscriptionHub;
  apollo: ApolloServer<GatewayContext>;
  supergraph(): LoadedSupergraph;
  limits: OperationLimits;
  metrics: GatewayMetrics;
  keepAliveMs: number;
  /** Spent by every operation a socket starts (subscriptions, and queries sent over it). */
  rateLimiter?: RateLimiter;
  /** How long close() waits for clients to answer the close frame before dropping their connections. */
  closeTimeoutMs?: number;
}

export interface GraphQLWebSocket {
  /**
   * Refuses new sockets and closes every open one with 1012 (service restart) without completing its subscriptions,
   * so that clients with retries reconnect (through the load balancer, to another instance) and resubscribe.
   * Resolves once every socket is gone and its subscriptions have left the hub, within `closeTimeoutMs`.
   */
  close(): Promise<void>;
}

/** Service Restart (RFC 6455 registry): graphql-ws clients treat it as retryable, unlike 1000 or 4xxx codes. */
export const serviceRestartCloseCode = 1012;
const serviceRestartReason = 'Service restart: reconnect to resume your subscriptions';

// Timers cannot wait longer than this; a token valid for longer is re-armed when it fires.
const maxTimer = 2_147_000_000;

/** graphql-ws (graphql-transport-ws) on the gateway's own HTTP server and path: auth at connection_init, then ops. */
export function useGraphQLWebSocket(options: GraphQLWebSocketOptions): GraphQLWebSocket {
  const wss = new WebSocketServer({ server: options.httpServer, path: options.path });
  let closing = false;
  const armExpiry = (state: ConnectionState, close: () => void) => {
    const expiresAt = state.identity?.expiresAt;
    if (!expiresAt) return;
    const wait = expiresAt * 1000 - Date.now();
    state.expiry = setTimeout(
      () => (wait > maxTimer ? armExpiry(state, close) : close()),
      Math.max(0, Math.min(wait, maxTimer)),
    );
  };
  const disposable = useServer<Record<string, unknown>, ConnectionState>(
    {
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        if (closing) {
          ctx.extra.socket.close(serviceRestartCloseCode, serviceRestartReason);
          return false;
        }
        const params = ctx.connectionParams ?? {};
        const auth = await authenticateConnection(options.verify, params.authorization ?? params.Authorization);
        if (!auth.ok) {
          ctx.extra.socket.close(auth.code, auth.reason);
          return false;
        }
        ctx.extra.identity = auth.identity;
        armExpiry(ctx.extra, () => ctx.extra.socket.close(4401, 'Unauthorized: the token has expired'));
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiry);
      },
      onSubscribe: (ctx, _id, payload) => {
        const identity = ctx.extra.identity;
        if (!identity) return [new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        if (options.rateLimiter) {
          const decision = options.rateLimiter.take(rateLimitKey(identity, ctx.extra.request.socket.remoteAddress));
          if (!decision.allowed) return [rateLimitedError(options.rateLimiter, decision.retryAfterSeconds)];
        }
        const supergraph = options.supergraph();
        const prepared = prepareOperation(supergraph, payload, options.limits);
        if (prepared.kind === 'invalid') return prepared.errors;
        const document = prepared.kind === 'subscription' ? prepared.plan.document : prepared.document;
        const contextValue: OperationContextValue = { identity, prepared, request: payload };
        const args: ExecutionArgs = {
          schema: supergraph.apiGraphQLSchema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
        return args;
      },
      subscribe: (args) => {
        const { identity, prepared, request } = args.contextValue as OperationContextValue;
        if (prepared.kind !== 'subscription') return executeThroughApollo(options.apollo, request, identity);
        options.metrics.activeSubscriptions.inc({ transport: 'ws' });
        return options.hub.subscribe(prepared.plan, identity, () =>
          options.metrics.activeSubscriptions.dec({ transport: 'ws' }),
        );
      },
      execute: (args) => {
        const { identity, request } = args.contextValue as OperationContextValue;
        return executeThroughApollo(options.apollo, request, identity);
      },
    },
    wss,
    options.keepAliveMs,
  );
  // An upgrade on a kept-alive connection can still arrive after close() began.
  wss.on('connection', (socket) => {
    if (closing) socket.close(serviceRestartCloseCode, serviceRestartReason);
  });
  return {
    async close() {
      closing = true;
      const sockets = [...wss.clients];
      const gone = sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === socket.CLOSED) resolve();
            else socket.once('close', () => resolve());
          }),
      );
      // graphql-ws only writes to open sockets, so subscriptions ended by the close send no `complete`.
      for (const socket of sockets) socket.close(serviceRestartCloseCode, serviceRestartReason);
      await waitAtMost(Promise.all(gone), options.closeTimeoutMs ?? 1000);
      // A client that does not answer the close frame in time loses its connection; it reconnects all the same.
      for (const socket of wss.clients) socket.terminate();
      await Promise.all(gone);
      await disposable.dispose();
    },
  };
}
