import { fileURLToPath } from 'node:url';
import { type Migrations, migrateDatabase as migrate } from '@bst/database';

/** Core's drizzle-kit migrations, recorded in drizzle's default table (`drizzle.__drizzle_migrations`). */
export const coreMigrations: Migrations = {
  folder: fileURLToPath(new URL('../../drizzle', import.meta.url)),
  lockId: 4001,
};

/** Brings a Postgres database to core's current schema under core's advisory lock. */
export function migrateDatabase(url: string): Promise<void> {
  return migrate(url, coreMigrations);
}
