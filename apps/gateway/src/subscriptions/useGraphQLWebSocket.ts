import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import type { Identity } from '@bst/identity';
import { dropOversizeMessages } from '@bst/service-kit';
import { type ExecutionArgs, type ExecutionResult, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { TokenVerifier } from '../auth/index.ts';
import type { GatewayContext } from '../IdentityForwardingDataSource.ts';
import {
  type ConnectionLimits,
  type OperationGuard,
  rateLimitedError,
  rateLimitKey,
  type SharedLimits,
  subscriptionLimitError,
  tooManySocketsCloseCode,
} from '../limits/index.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { LoadedSupergraph } from '../supergraph/loadSupergraph.ts';
import { authenticateConnection } from './authenticateConnection.ts';
import type { SubscriptionHub } from './createSubscriptionHub.ts';
import { executeThroughApollo } from './executeThroughApollo.ts';
import type { ErrorMask } from './maskErrors.ts';
import { type PreparedOperation, prepareOperation } from './prepareOperation.ts';
import { slowConsumerCloseCode, slowConsumerGraceMs, slowConsumerMessage } from './slowConsumer.ts';
import { waitAtMost } from './waitAtMost.ts';
import { nextMessagePrefix, writeNextFrame } from './writeNextFrame.ts';

type ConnectionState = {
  identity?: Identity;
  expiry?: NodeJS.Timeout;
  /** Whose caps this socket counts against (the JWT subject, else the remote address). */
  holder?: string;
  socketLease?: string;
  /** Subscription id → its lease on the identity's subscription cap. */
  subscriptions?: Map<string, string>;
};

interface OperationContextValue {
  /** The client's id for this operation (what its `next` messages carry). */
  id: string;
  identity: Identity;
  socket: WebSocket;
  /** The socket's TCP connection, which `next` frames are written to directly. */
  connection: Socket;
  prepared: PreparedOperation;
  request: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null };
  release(): void;
}

export interface GraphQLWebSocketOptions {
  httpServer: Server;
  path: string;
  verify: TokenVerifier;
  hub: SubscriptionHub;
  apollo: ApolloServer<GatewayContext>;
  supergraph(): LoadedSupergraph;
  guard: OperationGuard;
  connectionLimits: ConnectionLimits;
  /** Rate limit and caps, shared across instances through Redis when configured. */
  sharedLimits: SharedLimits;
  metrics: GatewayMetrics;
  mask: ErrorMask;
  /**
   * Ping interval on client sockets. A socket that has not answered a ping by the next one is gone: a slow consumer
   * (4008, counted) if results were sent to it meanwhile, else a dead peer (terminated).
   */
  keepAliveMs: number;
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
  const { connectionLimits: caps, sharedLimits: limits } = options;
  // A message over the limit closes the socket with 1009 (Message Too Big) before it is buffered or parsed.
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: caps.maxWebSocketPayloadBytes,
    // Compression would cost a zlib context per socket and a deflate per client per event: results are small.
    perMessageDeflate: false,
  });
  let closing = false;
  const maskResult = (result: ExecutionResult) => ({
    ...result,
    errors: result.errors?.map((e) => options.mask(e.toJSON(), e)),
  });
  const armExpiry = (state: ConnectionState, close: () => void) => {
    const expiresAt = state.identity?.expiresAt;
    if (!expiresAt) return;
    const wait = expiresAt * 1000 - Date.now();
    state.expiry = setTimeout(
      () => (wait > maxTimer ? armExpiry(state, close) : close()),
      Math.max(0, Math.min(wait, maxTimer)),
    );
  };
  /** The client is behind: all of its socket goes (it reconnects and resumes from its cursors), counted once. */
  const dropSlowConsumer = (socket: WebSocket) => {
    if (socket.readyState !== socket.OPEN) return;
    options.metrics.slowConsumers.inc({ transport: 'ws' });
    socket.close(slowConsumerCloseCode, slowConsumerMessage);
    setTimeout(() => socket.terminate(), slowConsumerGraceMs).unref();
  };
  /**
   * Our keep-alive instead of graphql-ws's (which terminates a socket that misses a pong, whatever the reason). A
   * client that stops reading never answers a ping queued behind its results, and the kernel's socket buffers (MBs)
   * hold more than a slow alert stream sends within an interval, so its buffer in the hub may never overflow: the
   * missing pong is what shows it stopped. Results sent since the ping make it a slow consumer, told so with 4008 like
   * one caught by its buffer; a socket with nothing sent is a dead peer and is cut.
   */
  const watchLiveness = (socket: WebSocket, raw: Socket) => {
    const interval = options.keepAliveMs;
    if (!(interval > 0) || !Number.isFinite(interval)) return;
    let answered = true;
    let writtenAtPing = 0;
    socket.on('pong', () => {
      answered = true;
    });
    const timer = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      if (!answered) {
        if (raw.bytesWritten > writtenAtPing) dropSlowConsumer(socket);
        else socket.terminate();
        return;
      }
      answered = false;
      socket.ping();
      writtenAtPing = raw.bytesWritten;
    }, interval);
    socket.once('close', () => clearInterval(timer));
  };
  const releaseAll = (state: ConnectionState) => {
    if (!state.holder) return;
    for (const lease of state.subscriptions?.values() ?? []) limits.release('subscriptions', state.holder, lease);
    state.subscriptions?.clear();
    if (state.socketLease) limits.release('sockets', state.holder, state.socketLease);
    state.socketLease = undefined;
  };
  const disposable = useServer<Record<string, unknown>, ConnectionState>(
    {
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        if (closing) {
          socket.close(serviceRestartCloseCode, serviceRestartReason);
          return false;
        }
        const params = ctx.connectionParams ?? {};
        const auth = await authenticateConnection(options.verify, params.authorization ?? params.Authorization);
        if (!auth.ok) {
          socket.close(auth.code, auth.reason);
          return false;
        }
        const holder = rateLimitKey(auth.identity, ctx.extra.request.socket.remoteAddress);
        const lease = limits.newLease();
        if (!(await limits.acquire('sockets', holder, lease, caps.maxSocketsPerIdentity))) {
          socket.close(
            tooManySocketsCloseCode,
            `Too many connections: at most ${caps.maxSocketsPerIdentity} sockets per identity`,
          );
          return false;
        }
        ctx.extra.holder = holder;
        ctx.extra.socketLease = lease;
        // The client may have gone while its place was being taken: give it back at once.
        if (socket.readyState !== socket.OPEN) {
          releaseAll(ctx.extra);
          return false;
        }
        ctx.extra.identity = auth.identity;
        armExpiry(ctx.extra, () => socket.close(4401, 'Unauthorized: the token has expired'));
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiry);
        releaseAll(ctx.extra);
      },
      onSubscribe: async (ctx, id, payload) => {
        const state = ctx.extra;
        state.subscriptions ??= new Map();
        const subscriptions = state.subscriptions;
        const identity = state.identity;
        if (!identity || !state.holder) {
          return [new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        const decision = await limits.take(state.holder);
        if (!decision.allowed) return [rateLimitedError(limits.rateLimit?.perMinute ?? 0, decision.retryAfterSeconds)];
        const supergraph = options.supergraph();
        const prepared = prepareOperation(supergraph, payload, options.guard);
        if (prepared.kind === 'invalid') return prepared.errors;
        let release = () => {};
        if (prepared.kind === 'subscription') {
          // The place on this socket is taken before any await, so that concurrent subscribes cannot all fit.
          if (subscriptions.size >= caps.maxSubscriptionsPerSocket) {
            return [subscriptionLimitError('socket', caps.maxSubscriptionsPerSocket)];
          }
          const lease = limits.newLease();
          const holder = state.holder;
          subscriptions.set(id, lease);
          release = () => {
            if (subscriptions.get(id) !== lease) return;
            subscriptions.delete(id);
            limits.release('subscriptions', holder, lease);
          };
          if (!(await limits.acquire('subscriptions', holder, lease, caps.maxSubscriptionsPerIdentity))) {
            subscriptions.delete(id);
            return [subscriptionLimitError('identity', caps.maxSubscriptionsPerIdentity)];
          }
        }
        const document = prepared.kind === 'subscription' ? prepared.plan.document : prepared.document;
        const contextValue: OperationContextValue = {
          id,
          identity,
          socket: ctx.extra.socket,
          connection: ctx.extra.request.socket,
          prepared,
          request: payload,
          release,
        };
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
        const { id, identity, socket, connection, prepared, request, release } =
          args.contextValue as OperationContextValue;
        if (prepared.kind !== 'subscription') return executeThroughApollo(options.apollo, request, identity);
        options.metrics.activeSubscriptions.inc({ transport: 'ws' });
        // Results go out as they come, each encoded once for all the clients that share it: per client, only its id
        // and the frame header are added and written at once (ws would frame and encode a string per client).
        const prefix = nextMessagePrefix(id);
        // Negotiated at the handshake (none, unless compression is turned on): frames are then written as they are.
        const framesAsIs = socket.extensions === '';
        return options.hub.subscribe(prepared.plan, identity, {
          write: (delivery, written) => {
            if (framesAsIs && !delivery.result.errors && socket.readyState === socket.OPEN) {
              writeNextFrame(connection, prefix, delivery, written);
              return;
            }
            // Errors are masked per client; on a socket that is closing, ws calls `written` with an error next tick.
            const payload = delivery.result.errors ? JSON.stringify(maskResult(delivery.result)) : delivery.json;
            socket.send(`{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`, written);
          },
          onClose: () => {
            options.metrics.activeSubscriptions.dec({ transport: 'ws' });
            release();
          },
          // The socket is what is behind, so all of it goes; the client reconnects and resumes from its cursors.
          onSlowConsumer: () => dropSlowConsumer(socket),
        });
      },
      execute: (args) => {
        const { identity, request } = args.contextValue as OperationContextValue;
        return executeThroughApollo(options.apollo, request, identity);
      },
      // Whatever leaves this socket is masked: a code and an error id, the detail only in the gateway's log.
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? maskResult(result) : undefined),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => options.mask(e.toJSON(), e)),
    },
    wss,
    // graphql-ws's own keep-alive is off: `watchLiveness` pings, and tells a slow consumer from a dead peer.
    0,
  );
  dropOversizeMessages(wss);
  // An upgrade on a kept-alive connection can still arrive after close() began.
  wss.on('connection', (socket, request) => {
    if (closing) socket.close(serviceRestartCloseCode, serviceRestartReason);
    else watchLiveness(socket, request.socket);
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
