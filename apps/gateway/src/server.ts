import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, type GatewayConfig, type SupergraphSdlUpdateFunction } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { gatewaySecretFromEnv } from '@bst/identity';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GraphQLError } from 'graphql';
import { AuthenticationError, type AuthOptions, createTokenVerifier } from './auth/index.ts';
import { checkReadiness } from './checkReadiness.ts';
import { createSubgraphFetcher } from './createSubgraphFetcher.ts';
import { type GatewayContext, IdentityForwardingDataSource } from './IdentityForwardingDataSource.ts';
import {
  createRateLimiter,
  defaultOperationLimits,
  type OperationLimits,
  type RateLimit,
  useOperationLimits,
  useRateLimit,
} from './limits/index.ts';
import { createGatewayMetrics, type GatewayMetrics, useMetrics } from './metrics.ts';
import {
  createSubscriptionHub,
  type UpstreamRetry,
  useGraphQLServerSentEvents,
  useGraphQLWebSocket,
} from './subscriptions/index.ts';
import { type LoadedSupergraph, loadSupergraph } from './supergraph/loadSupergraph.ts';

/** The logger Apollo Gateway and Apollo Server accept (debug, info, warn, error). */
export type Logger = NonNullable<GatewayConfig['logger']>;

export interface GatewayOptions {
  supergraphPath: string;
  /** 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** Per-subgraph URL overrides, by the subgraph's name in the supergraph. */
  subgraphUrls?: Record<string, string>;
  auth: AuthOptions;
  /** Secret that seals the identity for subgraphs; defaults to GATEWAY_SHARED_SECRET / the dev secret. */
  sharedSecret?: string;
  limits?: Partial<OperationLimits>;
  /** Per-client token bucket (JWT subject, else remote address) on HTTP, SSE and WebSocket operations; off when unset or 0. */
  rateLimit?: RateLimit;
  maxBodyBytes?: number;
  logger?: Logger;
  /** Reload when the supergraph file changes (SIGHUP calls reload() too, from main). */
  watchSupergraph?: boolean;
  subscriptions?: {
    /** Ping interval on client WebSockets. */
    keepAliveMs?: number;
    /** Backoff for reconnecting to a subgraph whose subscription socket dropped. */
    retry?: Partial<UpstreamRetry>;
  };
  /** A built web app served at `/` (the dashboard), same-origin with /graphql so the page needs no proxy. */
  staticDir?: string;
  shutdown?: {
    /** How long stop() waits for subscription clients to take their close before dropping them (default 1 s). */
    closeTimeoutMs?: number;
  };
}

export interface Gateway {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  httpServer: Server;
  metrics: GatewayMetrics;
  /** The supergraph currently served. */
  supergraph(): LoadedSupergraph;
  /** Re-reads the supergraph file and serves it; a file that does not load keeps the current one and throws. */
  reload(): Promise<void>;
  /**
   * Graceful shutdown for a rolling restart: stops accepting connections, closes WebSockets with 1012 and ends SSE
   * streams without completing their subscriptions (clients with retries resubscribe on another instance), then
   * closes the upstream subscriptions and drains HTTP. Safe to call twice.
   */
  stop(): Promise<void>;
}

const quietLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

function graphqlErrorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const sharedSecret = options.sharedSecret ?? gatewaySecretFromEnv();
  const limits = { ...defaultOperationLimits, ...options.limits };
  const urlOverrides = options.subgraphUrls ?? {};
  const readSupergraph = () => loadSupergraph(readFileSync(options.supergraphPath, 'utf8'), urlOverrides);
  let current = readSupergraph();
  let updateApolloGateway: SupergraphSdlUpdateFunction | undefined;

  const verify = createTokenVerifier(options.auth);
  const fetcher = createSubgraphFetcher();
  const rateLimiter = options.rateLimit?.perMinute ? createRateLimiter(options.rateLimit) : undefined;
  const metrics = createGatewayMetrics();
  const app = express();
  const httpServer = createServer(app);

  const gateway = new ApolloGateway({
    logger: options.logger ?? quietLogger,
    supergraphSdl: async ({ update }) => {
      updateApolloGateway = update;
      return { supergraphSdl: current.sdl };
    },
    buildService: ({ name, url }) =>
      new IdentityForwardingDataSource(name, urlOverrides[name] ?? url ?? '', sharedSecret, fetcher),
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: true,
    logger: options.logger ?? quietLogger,
    // The process's main owns SIGINT/SIGTERM and stops every piece in order; Apollo's own handlers would race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      useMetrics<GatewayContext>(metrics),
      useOperationLimits<GatewayContext>(limits),
    ],
  });
  await server.start();

  const hub = createSubscriptionHub({
    secret: sharedSecret,
    limits,
    retry: { initialDelayMs: 250, maxDelayMs: 10_000, ...options.subscriptions?.retry },
    serviceMap: (supergraph) =>
      Object.fromEntries(
        supergraph.subgraphs.map((s) => [
          s.name,
          new IdentityForwardingDataSource(s.name, s.url, sharedSecret, fetcher),
        ]),
      ),
    onUpstreamCountChange: (count) => metrics.upstreamSubscriptions.set(count),
  });
  const closeTimeoutMs = options.shutdown?.closeTimeoutMs ?? 1000;
  const transport = { verify, hub, apollo: server, supergraph: () => current, limits, metrics, closeTimeoutMs };
  const serverSentEvents = useGraphQLServerSentEvents(transport);
  const webSocket = useGraphQLWebSocket({
    ...transport,
    httpServer,
    path: '/graphql',
    keepAliveMs: options.subscriptions?.keepAliveMs ?? 12_000,
    rateLimiter,
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const readiness = await checkReadiness(current.subgraphs, sharedSecret);
    res.status(readiness.ready ? 200 : 503).json(readiness);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(
    '/graphql',
    ...(rateLimiter ? [useRateLimit(rateLimiter, verify)] : []),
    express.json({ limit: options.maxBodyBytes ?? 100 * 1024 }),
    serverSentEvents.handle,
    expressMiddleware(server, {
      context: async ({ req }) => {
        try {
          return { identity: await verify(req.headers.authorization) };
        } catch (error) {
          if (!(error instanceof AuthenticationError)) throw error;
          throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
      },
    }),
  );
  if (options.staticDir) app.use(express.static(options.staticDir, { index: 'index.html', fallthrough: true }));
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const type = (error as { type?: string } | null)?.type;
    if (type === 'entity.too.large') {
      res
        .status(413)
        .json(
          graphqlErrorBody(`request body exceeds ${options.maxBodyBytes ?? 100 * 1024} bytes`, 'PAYLOAD_TOO_LARGE'),
        );
      return;
    }
    if (type === 'entity.parse.failed') {
      res.status(400).json(graphqlErrorBody('request body is not valid JSON', 'BAD_REQUEST'));
      return;
    }
    next(error);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 4000, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = !options.host || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;

  const reload = async () => {
    const next = readSupergraph();
    if (next.sdl === current.sdl) return;
    current = next;
    updateApolloGateway?.(next.sdl);
    hub.replan(next);
  };
  let watcher: FSWatcher | undefined;
  if (options.watchSupergraph) {
    let debounce: NodeJS.Timeout | undefined;
    watcher = watch(options.supergraphPath, () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        reload().catch((error: unknown) =>
          (options.logger ?? quietLogger).error(`supergraph reload failed, still serving the previous one: ${error}`),
        );
      }, 100);
    });
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/graphql`,
    httpServer,
    metrics,
    supergraph: () => current,
    reload,
    stop() {
      stopping ??= (async () => {
        watcher?.close();
        // No new connections from here on; the load balancer sends reconnecting clients to another instance.
        httpServer.close();
        await Promise.all([webSocket.close(), serverSentEvents.close()]);
        // Upstreams close once their clients are gone, so no client sees its subscription end.
        hub.closeAll();
        await server.stop();
        fetcher.close();
      })();
      return stopping;
    },
  };
}
