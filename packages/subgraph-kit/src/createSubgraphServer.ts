import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { GATEWAY_IDENTITY_HEADER, gatewaySecretFromEnv, type Identity, openIdentity } from '@bst/identity';
import express, { type Request } from 'express';
import type { GraphQLSchema } from 'graphql';
import { unauthenticated } from './errors.ts';

/** What every subgraph resolver can count on: the caller the gateway verified. */
export interface SubgraphContext {
  identity: Identity;
}

export interface SubgraphServerOptions<TContext extends SubgraphContext> {
  /** A federation schema, e.g. from `buildSubgraphSchema`. */
  schema: GraphQLSchema;
  /** Builds the per-request context once the identity is known (per-request DataLoaders go here). */
  context: (args: { identity: Identity; req: Request }) => TContext | Promise<TContext>;
  /** 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** Defaults to `GATEWAY_SHARED_SECRET` (or the dev secret outside production). */
  gatewaySecret?: string;
  /** Extra checks for `GET /health`; a throw turns it into 503. */
  health?: () => Promise<void> | void;
  plugins?: ApolloServerPlugin<TContext>[];
}

export interface SubgraphServer {
  url: string;
  /** Exposed so that a graphql-ws server can share the `/graphql` path. */
  httpServer: Server;
  /** Stops accepting requests and drains the in-flight ones. */
  stop(): Promise<void>;
}

export async function createSubgraphServer<TContext extends SubgraphContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer> {
  const secret = options.gatewaySecret ?? gatewaySecretFromEnv();
  const app = express();
  const httpServer = createServer(app);
  const apollo = new ApolloServer<TContext>({
    schema: options.schema,
    introspection: true,
    // The process's main owns SIGINT/SIGTERM and stops every piece in order; Apollo's own handlers would race it.
    stopOnTerminationSignals: false,
    // Errors travel through the gateway to clients: stack traces stay in the logs.
    includeStacktraceInErrorResponses: false,
    // No Apollo Studio here, so federated tracing would only cost time per request.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  app.get('/health', async (_req, res) => {
    try {
      await options.health?.();
      res.json({ status: 'ok' });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', reason: error instanceof Error ? error.message : String(error) });
    }
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const identity = openIdentity(req.get(GATEWAY_IDENTITY_HEADER), secret);
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
    stop() {
      stopping ??= apollo.stop();
      return stopping;
    },
  };
}
