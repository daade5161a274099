import { fileURLToPath } from 'node:url';
import { type Database, type Migrations, openDatabase } from '@bst/database';
import * as schema from './schema.ts';

/** The archive's migrations, recorded in `twin.__drizzle_migrations` so they never mix with core's in one database. */
export const archiveMigrations: Migrations = {
  folder: fileURLToPath(new URL('../../../drizzle', import.meta.url)),
  lockId: 4002,
  table: { schema: 'twin' },
};

export type ArchiveDatabase = Database<typeof schema>;

export interface ArchiveDatabaseOptions {
  /** postgres:// URL (the compose Postgres); without one, PGlite. */
  url?: string | undefined;
  /** PGlite data directory (`npm start`: `.data/archive`); omitted means in memory. */
  pgliteDir?: string | undefined;
  /** postgres.js pool size. */
  max?: number | undefined;
  onQuery?: ((query: string, params: unknown[]) => void) | undefined;
}

/** Opens and migrates the archive database. */
export async function openArchiveDatabase(options: ArchiveDatabaseOptions): Promise<ArchiveDatabase> {
  const database = await openDatabase({ ...options, schema, migrations: archiveMigrations });
  try {
    await database.migrate();
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}
