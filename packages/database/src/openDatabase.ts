import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Logger, SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { type Migrations, migrateDatabase, migratePgliteDatabase } from './migrateDatabase.ts';

export type DatabaseSchema = Record<string, unknown>;

/** The same repositories run over either driver. */
export type DB<TSchema extends DatabaseSchema> = PgDatabase<PgQueryResultHKT, TSchema>;

export interface DatabaseOptions<TSchema extends DatabaseSchema> {
  /** postgres:// URL; without one the embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory (e.g. `.data/core`); omitted means in memory. */
  pgliteDir?: string | undefined;
  /** The Drizzle schema (tables and relations) the `db` is typed by. */
  schema: TSchema;
  migrations: Migrations;
  /** Sees every SQL statement Drizzle runs (tests count them). */
  onQuery?: ((query: string, params: unknown[]) => void) | undefined;
  /** postgres.js pool size. */
  max?: number | undefined;
}

export interface Database<TSchema extends DatabaseSchema> {
  db: DB<TSchema>;
  driver: 'postgres' | 'pglite';
  /** Applies pending migrations (a no-op when there are none). */
  migrate(): Promise<void>;
  /** Runs raw SQL and returns its rows, whichever the driver (postgres.js returns an array, PGlite `{ rows }`). */
  rows<T>(query: SQL): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Seconds before the next connection attempt after `retries` failed ones: 0.05, 0.1, 0.2, ... at most 1 s, jittered.
 * postgres.js's default grows as 3^retries / 100 up to 20 s, so after an outage of a few seconds the first attempt
 * once Postgres is back came up to 10-20 s late, and every request meanwhile answered SERVICE_UNAVAILABLE.
 */
export function reconnectDelaySeconds(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1);
}

/** Opens Postgres (postgres.js pool) when a URL is given, else PGlite; the caller migrates when it wants to. */
export async function openDatabase<TSchema extends DatabaseSchema>(
  options: DatabaseOptions<TSchema>,
): Promise<Database<TSchema>> {
  const { schema, migrations } = options;
  const logger: Logger | undefined = options.onQuery ? { logQuery: options.onQuery } : undefined;
  if (options.url) {
    const url = options.url;
    // A connection attempt to a Postgres that is down or frozen gives up after 5 s (postgres.js waits 30 s by default).
    const client = postgres(url, {
      max: options.max ?? 10,
      onnotice: () => {},
      connect_timeout: 5,
      backoff: reconnectDelaySeconds,
    });
    const db = drizzlePostgres(client, { schema, logger });
    return {
      db,
      driver: 'postgres',
      migrate: () => migrateDatabase(url, migrations),
      rows: async <T>(query: SQL) => [...((await db.execute(query)) as unknown as T[])],
      close: () => client.end({ timeout: 5 }),
    };
  }
  // PGlite creates only the last path segment; `.data/core` on a fresh clone needs its parent too.
  if (options.pgliteDir) mkdirSync(options.pgliteDir, { recursive: true });
  const client = options.pgliteDir ? new PGlite(options.pgliteDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite(client, { schema, logger });
  return {
    db,
    driver: 'pglite',
    migrate: () => migratePgliteDatabase(client, migrations),
    rows: async <T>(query: SQL) => (await db.execute(query)).rows as T[],
    close: () => client.close(),
  };
}
