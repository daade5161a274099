import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { createIdentitySeal, GATEWAY_IDENTITY_HEADER, type Identity, type IdentitySeal } from '@bst/identity';
import {
  checkDependencies,
  createErrorMasker,
  type DependencyCheck,
  type ErrorLog,
  errorLogOf,
  type Logger,
  logFailedRequests,
  REQUEST_ID_HEADER,
  requestIdOf,
} from '@bst/service-kit';
import express, { type Request } from 'express';
import type { GraphQLSchema } from 'graphql';
import { unauthenticated } from './errors.ts';
import { guardRootFields, type OperationRoles } from './guardRootFields.ts';
import { refuseNulBytes } from './refuseNulBytes.ts';

/** What every subgraph resolver can count on: the caller the gateway verified. */
export interface SubgraphContext {
  identity: Identity;
}

export interface SubgraphServerOptions<TContext extends SubgraphContext> {
  /** Names this subgraph in error logs. */
  name: string;
  /** A federation schema, e.g. from `buildSubgraphSchema`; its root fields get the role checks of `operationRoles`. */
  schema: GraphQLSchema;
  /** Builds the per-request context once the identity is known (per-request DataLoaders go here). */
  context: (args: { identity: Identity; req: Request }) => TContext | Promise<TContext>;
  /** 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** The secret the gateway seals identities with (GATEWAY_SHARED_SECRET); there is no default. */
  gatewaySecret: string;
  /** A sealed identity older than this is refused (replay). */
  identityMaxAgeSeconds?: number;
  /** Who may run which root field; defaults to the product's table. */
  operationRoles?: OperationRoles;
  /**
   * What `GET /ready` checks, by dependency name (`redis`, `postgres`, ...): 503 naming the failing ones. `GET /health`
   * is liveness only (200 while the process serves HTTP).
   */
  dependencies?: Record<string, DependencyCheck>;
  plugins?: ApolloServerPlugin<TContext>[];
  /** Where the detail of a masked error goes (stderr by default, else `logger`'s lines). */
  errorLog?: ErrorLog;
  /** The service's logger: masked errors' detail, and each request answered with errors under its request id. */
  logger?: Logger;
}

export interface SubgraphServer {
  url: string;
  /** Exposed so that a graphql-ws server can share the `/graphql` path. */
  httpServer: Server;
  /** Opens the identities the gateway seals (shared with a subscription server on the same port). */
  identitySeal: IdentitySeal;
  /** Stops accepting requests and drains the in-flight ones. */
  stop(): Promise<void>;
}

export async function createSubgraphServer<TContext extends SubgraphContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer> {
  const identitySeal = createIdentitySeal(options.gatewaySecret, {
    ...(options.identityMaxAgeSeconds === undefined ? {} : { maxAgeSeconds: options.identityMaxAgeSeconds }),
  });
  const schema = guardRootFields(options.schema, options.operationRoles);
  const app = express();
  const httpServer = createServer(app);
  const apollo = new ApolloServer<TContext>({
    schema,
    introspection: true,
    // The process's main owns SIGINT/SIGTERM and stops every piece in order; Apollo's own handlers would race it.
    stopOnTerminationSignals: false,
    // Errors travel through the gateway to clients: stack traces, SQL and driver messages stay in the logs.
    includeStacktraceInErrorResponses: false,
    formatError: createErrorMasker(
      options.name,
      options.errorLog ?? (options.logger ? errorLogOf(options.logger) : undefined),
    ),
    // No Apollo Studio here, so federated tracing would only cost time per request.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      refuseNulBytes<TContext>(),
      ...(options.logger
        ? [logFailedRequests((level, entry, message) => options.logger?.[level](entry, message))]
        : []),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  // The gateway's request id (or a new one) on every answer and in the logs, so one id follows a request across services.
  app.use((req, res, next) => {
    const requestId = requestIdOf(req.headers[REQUEST_ID_HEADER]);
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    next();
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const readiness = await checkDependencies(options.dependencies ?? {});
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'unavailable', ...readiness });
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const identity = await identitySeal.open(req.get(GATEWAY_IDENTITY_HEADER));
        if (!identity) throw unauthenticated('Requests must come through the gateway with a valid identity');
        return options.context({ identity, req });
      },
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}/graphql`,
    httpServer,
    identitySeal,
    stop() {
      stopping ??= apollo.stop();
      return stopping;
    },
  };
}
