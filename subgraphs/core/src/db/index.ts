import { openDatabase as openShared, type Database as SharedDatabase } from '@bst/database';
import { coreMigrations } from './migrate.ts';
import * as schema from './schema.ts';

export { schema };

export type Database = SharedDatabase<typeof schema>;
/** The same repositories run over either driver. */
export type DB = Database['db'];
/** What a repository method receives inside `db.transaction(...)`. */
export type Tx = Parameters<Parameters<DB['transaction']>[0]>[0];

export interface DatabaseOptions {
  /** postgres:// URL; without one the embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory (e.g. `.data/core`); omitted means in memory. */
  pgliteDir?: string | undefined;
  /** Sees every SQL statement Drizzle runs (tests count them). */
  onQuery?: ((query: string, params: unknown[]) => void) | undefined;
  /** postgres.js pool size. */
  max?: number;
}

export function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return openShared({ ...options, schema, migrations: coreMigrations });
}
