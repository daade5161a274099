import type { Server } from 'node:http';
import { postgresUnavailableCause } from '@bst/database';
import { errorLogOf, type Logger } from '@bst/service-kit';
import { createSubgraphServer, failFastOnDependency } from '@bst/subgraph-kit';
import { type ArchiveRepository, createComplianceReader, createHistory } from '../archive/index.ts';
import type { CatalogSource } from '../bridge/index.ts';
import type { TwinStore } from '../store/index.ts';
import { createCatalogReader } from './catalog/createCatalogReader.ts';
import { createTwinContext, type TwinContext } from './context.ts';
import { createTwinSchema } from './createTwinSchema.ts';
import { serveSubscriptions } from './subscriptions/serveSubscriptions.ts';

export interface TwinSubgraphOptions {
  /** Redis in production, the memory adapter in the embedded platform; the caller owns it (not closed on stop). */
  store: TwinStore;
  /** How `/ready` names the store: `redis` in production (default `store`). */
  storeName?: string;
  /**
   * The durable record (Postgres, PGlite in `npm start`); the caller owns it. Without one, history and compliance
   * come from the store's hot window alone.
   */
  archive?: ArchiveRepository | null;
  /**
   * A request still waiting after this long answers SERVICE_UNAVAILABLE when the archive is a Postgres server (default
   * 3000): a frozen or partitioned Postgres keeps its sockets open and postgres.js has no query timeout. Not for PGlite.
   */
  archiveTimeoutMs?: number;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The secret the gateway seals identities with; there is no default. */
  gatewaySecret: string;
  /** A sealed identity older than this is refused (default 60 s). */
  identityMaxAgeSeconds?: number;
  /** Largest graphql-ws message accepted (default 256 KiB). */
  wsMaxPayloadBytes?: number;
  /** Core's catalog, asked when the store holds none (the bridge normally keeps it cached). */
  catalogSource?: CatalogSource;
  catalogTtlSeconds?: number;
  /** Ping interval for subscription sockets. */
  keepAliveMs?: number;
  now?: () => number;
  /** Masked errors' detail (HTTP and subscriptions) and failed requests by request id go here; stderr without one. */
  logger?: Logger;
}

export interface TwinSubgraph {
  /** The HTTP endpoint; the same path serves graphql-ws subscriptions (ws://…/graphql). */
  url: string;
  httpServer: Server;
  /** Closes subscription sockets, then drains HTTP. */
  stop(): Promise<void>;
}

export async function startTwinSubgraph(options: TwinSubgraphOptions): Promise<TwinSubgraph> {
  const schema = createTwinSchema();
  const archive = options.archive ?? null;
  // Queries and mutations over a Postgres archive: SERVICE_UNAVAILABLE at once when it is down, at the deadline when it
  // is frozen (the store answers its own outages). Subscriptions get the schema without it: one deadline per context
  // would fail a long-lived subscription's later fields.
  const requestSchema =
    archive?.driver === 'postgres'
      ? failFastOnDependency(createTwinSchema(), {
          dependency: 'archive',
          timeoutMs: options.archiveTimeoutMs ?? 3000,
          unavailableCause: postgresUnavailableCause,
        })
      : schema;
  const catalogReader = createCatalogReader({
    store: options.store,
    ...(options.catalogSource ? { source: options.catalogSource } : {}),
    ...(options.catalogTtlSeconds === undefined ? {} : { ttlSeconds: options.catalogTtlSeconds }),
  });
  const history = createHistory(options.store, archive);
  const readCompliance = archive
    ? createComplianceReader({ store: options.store, archive, history, now: options.now ?? Date.now })
    : null;
  const settings = {
    store: options.store,
    catalogReader,
    history,
    archive,
    readCompliance,
    now: options.now ?? Date.now,
  };
  const server = await createSubgraphServer<TwinContext>({
    name: 'twin',
    schema: requestSchema,
    port: options.port ?? 0,
    ...(options.host ? { host: options.host } : {}),
    gatewaySecret: options.gatewaySecret,
    ...(options.identityMaxAgeSeconds === undefined ? {} : { identityMaxAgeSeconds: options.identityMaxAgeSeconds }),
    context: ({ identity }) => createTwinContext(identity, { ...settings, memoise: true }),
    ...(options.logger ? { logger: options.logger } : {}),
    dependencies: {
      [options.storeName ?? 'store']: () => options.store.ping(),
      ...(archive ? { archive: () => archive.ping() } : {}),
    },
  });
  const subscriptions = serveSubscriptions({
    httpServer: server.httpServer,
    schema,
    identitySeal: server.identitySeal,
    maxPayloadBytes: options.wsMaxPayloadBytes ?? 256 * 1024,
    context: (identity) => createTwinContext(identity, { ...settings, memoise: false }),
    ...(options.logger ? { errorLog: errorLogOf(options.logger) } : {}),
    ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
  });
  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    httpServer: server.httpServer,
    stop() {
      stopping ??= subscriptions.stop().then(() => server.stop());
      return stopping;
    },
  };
}
