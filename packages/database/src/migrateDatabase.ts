import type { PGlite } from '@electric-sql/pglite';
import type { MigrationConfig } from 'drizzle-orm/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/** One service's drizzle-kit migrations. */
export interface Migrations {
  /** The folder drizzle-kit writes (SQL files and `meta/_journal.json`). */
  folder: string;
  /** The advisory lock held while migrating, so services starting at once never apply a step twice. */
  lockId: number;
  /**
   * Where the applied steps are recorded (default `drizzle.__drizzle_migrations`): services that share one database
   * need a table each, or one service's history would hide the other's steps.
   */
  table?: { schema: string; name?: string };
}

function configOf(migrations: Migrations): MigrationConfig {
  return {
    migrationsFolder: migrations.folder,
    ...(migrations.table
      ? { migrationsSchema: migrations.table.schema, migrationsTable: migrations.table.name ?? '__drizzle_migrations' }
      : {}),
  };
}

/** Brings a Postgres database to the current schema on its own single connection; already applied steps are skipped. */
export async function migrateDatabase(url: string, migrations: Migrations): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${migrations.lockId})`;
    await migratePostgres(drizzlePostgres(client), configOf(migrations));
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** PGlite holds one connection only (nobody else can migrate meanwhile), so the caller's client is migrated in place. */
export async function migratePgliteDatabase(client: PGlite, migrations: Migrations): Promise<void> {
  await migratePglite(drizzlePglite(client), configOf(migrations));
}
