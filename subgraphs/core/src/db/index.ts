import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { migrateDatabase, migratePgliteDatabase } from './migrate.ts';
import * as schema from './schema.ts';

export { schema };

/** The same repositories run over either driver. */
export type DB = PgDatabase<PgQueryResultHKT, typeof schema>;
/** What a repository method receives inside `db.transaction(...)`. */
export type Tx = Parameters<Parameters<DB['transaction']>[0]>[0];

export interface DatabaseOptions {
  /** postgres:// URL; without one the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory (e.g. `.data/core`); omitted means in memory. */
  pgliteDir?: string;
  /** Sees every SQL statement Drizzle runs (tests count them). */
  onQuery?: (query: string, params: unknown[]) => void;
  /** postgres.js pool size. */
  max?: number;
}

export interface Database {
  db: DB;
  driver: 'postgres' | 'pglite';
  /** Applies pending migrations (a no-op when there are none). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const logger: Logger | undefined = options.onQuery ? { logQuery: options.onQuery } : undefined;
  if (options.url) {
    const url = options.url;
    const client = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
    return {
      db: drizzlePostgres(client, { schema, logger }),
      driver: 'postgres',
      migrate: () => migrateDatabase(url),
      close: () => client.end({ timeout: 5 }),
    };
  }
  // PGlite creates only the last path segment; `.data/core` on a fresh clone needs its parent too.
  if (options.pgliteDir) mkdirSync(options.pgliteDir, { recursive: true });
  const client = options.pgliteDir ? new PGlite(options.pgliteDir) : new PGlite();
  await client.waitReady;
  return {
    db: drizzlePglite(client, { schema, logger }),
    driver: 'pglite',
    migrate: () => migratePgliteDatabase(client),
    close: () => client.close(),
  };
}
