import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, type GatewayConfig, type SupergraphSdlUpdateFunction } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { createIdentitySeal } from '@bst/identity';
import { createErrorMasker, type ErrorLog, logFailedRequests, REQUEST_ID_HEADER, requestIdOf } from '@bst/service-kit';
import express, { type NextFunction, type Request, type Response } from 'express';
import { type AuthOptions, createTokenVerifier } from './auth/index.ts';
import { checkReadiness } from './checkReadiness.ts';
import { createSubgraphFetcher } from './createSubgraphFetcher.ts';
import { createGraphQLHttpHandler, isPlainGraphQLRequest } from './http/createGraphQLHttpHandler.ts';
import { createSealCache, type GatewayContext, IdentityForwardingDataSource } from './IdentityForwardingDataSource.ts';
import {
  type ConnectionLimits,
  createOperationGuard,
  createSharedLimits,
  defaultConnectionLimits,
  defaultOperationLimits,
  type OperationLimits,
  type RateLimit,
  useRateLimit,
} from './limits/index.ts';
import { createGatewayMetrics, type GatewayMetrics, useMetrics } from './metrics.ts';
import {
  createSubscriptionHub,
  createUpstreamPool,
  type SubscriptionLimits,
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
  /** Secret that seals the identity for subgraphs (GATEWAY_SHARED_SECRET); there is no default. */
  sharedSecret: string;
  /** The subgraphs' window for a sealed identity; the gateway reuses one for a third of it. */
  identityMaxAgeSeconds?: number;
  limits?: Partial<OperationLimits>;
  connectionLimits?: Partial<ConnectionLimits>;
  /** Per-client token bucket (JWT subject, else remote address) on HTTP, SSE and WebSocket operations; off when unset or 0. */
  rateLimit?: RateLimit;
  /** Share the rate limit and the socket and subscription caps with every gateway on this Redis. */
  sharedLimitsRedis?: { url: string; prefix?: string };
  maxBodyBytes?: number;
  logger?: Logger;
  /** Where the detail of a masked error goes (stderr by default). */
  errorLog?: ErrorLog;
  /** Reload when the supergraph file changes (SIGHUP calls reload() too, from main). */
  watchSupergraph?: boolean;
  subscriptions?: {
    /** Ping interval on client WebSockets. */
    keepAliveMs?: number;
    /** Backoff for reconnecting to a subgraph whose subscription socket dropped. */
    retry?: Partial<UpstreamRetry>;
    /** Called per delivered event that names its reading (`eventId`); main logs it at debug, else it is left unset. */
    onEventDelivered?: (eventId: string, clients: number) => void;
    /** Per-client buffers, hydration backlog and resume buffer (defaults in `defaultSubscriptionLimits`). */
    limits?: { client?: Partial<SubscriptionLimits['client']> } & Partial<Omit<SubscriptionLimits, 'client'>>;
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

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger ?? quietLogger;
  const limits = { ...defaultOperationLimits, ...options.limits };
  const connectionLimits = { ...defaultConnectionLimits, ...options.connectionLimits };
  const maxBodyBytes = options.maxBodyBytes ?? 100 * 1024;
  const urlOverrides = options.subgraphUrls ?? {};
  const readSupergraph = () => loadSupergraph(readFileSync(options.supergraphPath, 'utf8'), urlOverrides);
  let current = readSupergraph();
  let updateApolloGateway: SupergraphSdlUpdateFunction | undefined;

  const identitySeal = createIdentitySeal(options.sharedSecret, {
    ...(options.identityMaxAgeSeconds === undefined ? {} : { maxAgeSeconds: options.identityMaxAgeSeconds }),
  });
  const seal = createSealCache(identitySeal);
  const verify = createTokenVerifier(options.auth);
  const metrics = createGatewayMetrics();
  const fetchOutcomes = {
    sent: metrics.subgraphFetches.labels('sent'),
    merged: metrics.subgraphFetches.labels('merged'),
    retried: metrics.subgraphFetches.labels('retried'),
  };
  const fetcher = createSubgraphFetcher({ onFetch: (outcome) => fetchOutcomes[outcome].inc() });
  const mask = createErrorMasker('gateway', options.errorLog);
  const guard = createOperationGuard(limits);
  const sharedLimits = createSharedLimits({
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.sharedLimitsRedis
      ? { redis: { url: options.sharedLimitsRedis.url, prefix: options.sharedLimitsRedis.prefix ?? 'bst:gateway' } }
      : {}),
    onDegradedChange: (degraded, reason) => {
      metrics.sharedLimitsDegraded.set(degraded ? 1 : 0);
      const message = degraded
        ? `shared limits unavailable (Redis: ${reason}): rate limit and caps now count per instance`
        : 'shared limits restored: rate limit and caps count across instances again';
      // Called as methods: a pino logger needs its `this`.
      if (degraded) logger.warn(message);
      else logger.info(message);
    },
  });
  // Start shared when Redis is there; a gateway whose Redis is away still starts, counting per instance.
  await sharedLimits.ready();
  const app = express();
  // Set before the server listens (Apollo Server needs the http server first, for its drain plugin).
  let graphqlOverHttp: ReturnType<typeof createGraphQLHttpHandler> | undefined;
  const httpServer = createServer((req, res) => {
    // Honoured from the client (or a proxy), else new; in the answer, forwarded to subgraphs, logged with errors.
    const requestId = requestIdOf(req.headers[REQUEST_ID_HEADER]);
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    if (graphqlOverHttp && isPlainGraphQLRequest(req)) graphqlOverHttp(req, res);
    else app(req, res);
  });

  const gateway = new ApolloGateway({
    logger,
    supergraphSdl: async ({ update }) => {
      updateApolloGateway = update;
      return { supergraphSdl: current.sdl };
    },
    buildService: ({ name, url }) =>
      new IdentityForwardingDataSource(name, urlOverrides[name] ?? url ?? '', seal, fetcher),
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: true,
    logger,
    // The process's main owns SIGINT/SIGTERM and stops every piece in order; Apollo's own handlers would race it.
    stopOnTerminationSignals: false,
    // Clients get a code and an error id whatever NODE_ENV is; the detail goes to the log.
    includeStacktraceInErrorResponses: false,
    formatError: mask,
    // A persisted query would run by hash with variables the limits never saw: every request carries its document.
    persistedQueries: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      useMetrics<GatewayContext>(metrics),
      logFailedRequests((level, entry, message) => logger[level]({ ...entry, msg: message })),
    ],
  });
  await server.start();

  const upstreams = createUpstreamPool({
    seal,
    retry: { initialDelayMs: 250, maxDelayMs: 10_000, ...options.subscriptions?.retry },
    onSocketCountChange: (count) => metrics.upstreamSockets.set(count),
  });
  const hub = createSubscriptionHub({
    upstreams,
    guard,
    serviceMap: (supergraph) =>
      Object.fromEntries(
        supergraph.subgraphs.map((s) => [s.name, new IdentityForwardingDataSource(s.name, s.url, seal, fetcher)]),
      ),
    ...(options.subscriptions?.limits ? { limits: options.subscriptions.limits } : {}),
    onUpstreamCountChange: (count) => metrics.upstreamSubscriptions.set(count),
    onResume: (from) => metrics.subscriptionResumes.inc({ from }),
    onBacklogExceeded: () => metrics.hydrationBacklogExceeded.inc(),
    ...(options.subscriptions?.onEventDelivered ? { onEventDelivered: options.subscriptions.onEventDelivered } : {}),
  });
  const closeTimeoutMs = options.shutdown?.closeTimeoutMs ?? 1000;
  const transport = {
    verify,
    hub,
    apollo: server,
    supergraph: () => current,
    guard,
    connectionLimits,
    sharedLimits,
    metrics,
    mask,
    closeTimeoutMs,
  };
  const serverSentEvents = useGraphQLServerSentEvents(transport);
  const webSocket = useGraphQLWebSocket({
    ...transport,
    httpServer,
    path: '/graphql',
    keepAliveMs: options.subscriptions?.keepAliveMs ?? 12_000,
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const readiness = await checkReadiness(
      current.subgraphs,
      identitySeal,
      sharedLimits.shared ? { redis: () => sharedLimits.ping() } : {},
    );
    res.status(readiness.ready ? 200 : 503).json(readiness);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  graphqlOverHttp = createGraphQLHttpHandler({
    apollo: server,
    verify,
    sharedLimits,
    guard,
    schema: () => current.apiGraphQLSchema,
    mask,
    maxBodyBytes,
  });
  // Server-Sent Events streams; plain GraphQL over HTTP on /graphql never reaches express.
  app.use(
    '/graphql',
    ...(sharedLimits.rateLimit ? [useRateLimit(sharedLimits, verify)] : []),
    express.json({ limit: maxBodyBytes }),
    serverSentEvents.handle,
  );
  if (options.staticDir) app.use(express.static(options.staticDir, { index: 'index.html', fallthrough: true }));
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const type = (error as { type?: string } | null)?.type;
    const refuse = (status: number, message: string, code: string) =>
      res.status(status).json({ errors: [mask({ message, extensions: { code } })] });
    if (type === 'entity.too.large')
      return refuse(413, `request body exceeds ${maxBodyBytes} bytes`, 'PAYLOAD_TOO_LARGE');
    if (type === 'entity.parse.failed') return refuse(400, 'request body is not valid JSON', 'BAD_REQUEST');
    if (res.headersSent) return next(error);
    // Anything else is ours: a code and an error id for the client, the detail in the log.
    return res.status(500).json({ errors: [mask({ message: String(error), extensions: {} }, error)] });
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
          logger.error(`supergraph reload failed, still serving the previous one: ${error}`),
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
        await upstreams.close();
        await server.stop();
        await sharedLimits.close();
        fetcher.close();
      })();
      return stopping;
    },
  };
}
