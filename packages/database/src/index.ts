export { type Migrations, migrateDatabase, migratePgliteDatabase } from './migrateDatabase.ts';
export {
  type Database,
  type DatabaseOptions,
  type DatabaseSchema,
  type DB,
  openDatabase,
  reconnectDelaySeconds,
} from './openDatabase.ts';
export { postgresUnavailableCause } from './postgresUnavailableCause.ts';
