import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@bst/testing';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Migrations, migrateDatabase, openDatabase } from '../src/index.ts';

const shelf: Migrations = {
  folder: fileURLToPath(new URL('./fixtures/migrations', import.meta.url)),
  lockId: 99_001,
  table: { schema: 'shelf' },
};

describe('a service database on Postgres', () => {
  let database: TestDatabase;
  let admin: postgres.Sql;

  beforeAll(async () => {
    database = await createTestDatabase('database_pkg');
    admin = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });

  it('applies each migration once when several services start at the same moment', async () => {
    await Promise.all([1, 2, 3, 4].map(() => migrateDatabase(database.url, shelf)));
    expect(await admin`select label, grams from shelf.jars`).toEqual([{ label: 'honey', grams: 450 }]);
    expect(await admin`select count(*)::int as n from shelf.__drizzle_migrations`).toEqual([{ n: 1 }]);
  });

  it('records its steps in its own table, apart from another service in the same database', async () => {
    const tables =
      await admin`select table_schema from information_schema.tables where table_name = '__drizzle_migrations'`;
    expect(tables.map((t) => t.table_schema)).toEqual(['shelf']);
  });

  it('gives raw rows in one shape', async () => {
    const opened = await openDatabase({ url: database.url, schema: {}, migrations: shelf, max: 1 });
    try {
      await opened.migrate();
      expect(await opened.rows(sql`select label, grams from shelf.jars`)).toEqual([{ label: 'honey', grams: 450 }]);
    } finally {
      await opened.close();
    }
  });
});

describe('a service database on PGlite (npm start)', () => {
  it('runs the same migrations and gives raw rows in the same shape', async () => {
    const opened = await openDatabase({ schema: {}, migrations: shelf });
    try {
      expect(opened.driver).toBe('pglite');
      await opened.migrate();
      await opened.migrate();
      expect(await opened.rows(sql`select label, grams from shelf.jars`)).toEqual([{ label: 'honey', grams: 450 }]);
    } finally {
      await opened.close();
    }
  });
});
