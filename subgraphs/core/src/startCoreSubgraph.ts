import type { Server } from 'node:http';
import { postgresUnavailableCause } from '@bst/database';
import type { Logger } from '@bst/service-kit';
import { createSubgraphServer, failFastOnDependency } from '@bst/subgraph-kit';
import { sql } from 'drizzle-orm';
import type { CoreContext } from './context.ts';
import { createCoreSchema } from './createCoreSchema.ts';
import { type Database, openDatabase } from './db/index.ts';
import { seedDemoData } from './db/seed.ts';
import { createLoaders } from './loaders/createLoaders.ts';
import { createRepositories } from './repositories/index.ts';

export interface CoreSubgraphOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** postgres:// URL; without it the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory; omitted means in memory. */
  pgliteDir?: string;
  /** The secret the gateway seals identities with; there is no default. */
  gatewaySecret: string;
  /** A sealed identity older than this is refused (default 60 s). */
  identityMaxAgeSeconds?: number;
  /** Seed the demo data (idempotent). */
  seed?: boolean;
  /** Sees every SQL statement (tests count them). */
  onQuery?: (query: string, params: unknown[]) => void;
  /** Masked errors' detail and failed requests (by request id) go here; stderr without one. */
  logger?: Logger;
  /** A request still waiting on Postgres after this long answers SERVICE_UNAVAILABLE (default 3000; not for PGlite). */
  postgresTimeoutMs?: number;
}

export interface CoreSubgraph {
  url: string;
  httpServer: Server;
  database: Database;
  stop(): Promise<void>;
}

/** Migrates, optionally seeds, and serves the core subgraph in this process. */
export async function startCoreSubgraph(options: CoreSubgraphOptions): Promise<CoreSubgraph> {
  const database = await openDatabase({
    url: options.databaseUrl,
    pgliteDir: options.pgliteDir,
    onQuery: options.onQuery,
  });
  try {
    await database.migrate();
    const repos = createRepositories(database.db);
    if (options.seed) await seedDemoData(repos);
    const server = await createSubgraphServer<CoreContext>({
      name: 'core',
      // Postgres down answers SERVICE_UNAVAILABLE at once, Postgres frozen or cut off by a partition at the deadline.
      schema:
        database.driver === 'postgres'
          ? failFastOnDependency(createCoreSchema(), {
              dependency: 'postgres',
              timeoutMs: options.postgresTimeoutMs ?? 3000,
              unavailableCause: postgresUnavailableCause,
            })
          : createCoreSchema(),
      port: options.port ?? 0,
      host: options.host,
      gatewaySecret: options.gatewaySecret,
      ...(options.identityMaxAgeSeconds === undefined ? {} : { identityMaxAgeSeconds: options.identityMaxAgeSeconds }),
      context: ({ identity }) => ({ identity, repos, loaders: createLoaders(repos) }),
      ...(options.logger ? { logger: options.logger } : {}),
      dependencies: {
        postgres: () => database.db.execute(sql`select 1`),
      },
    });
    return {
      url: server.url,
      httpServer: server.httpServer,
      database,
      async stop() {
        await server.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
