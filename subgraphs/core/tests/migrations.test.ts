import { createTestDatabase, type TestDatabase } from '@bst/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../src/db/migrate.ts';

describe('core migrations', () => {
  let database: TestDatabase;
  let sql: postgres.Sql;

  beforeAll(async () => {
    database = await createTestDatabase('core_migrations');
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  it('bring an empty database to the current schema, and running them again changes nothing', async () => {
    await migrateDatabase(database.url);
    const tables = await sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`;
    expect(tables.map((t) => t.table_name)).toEqual([
      'audit_log',
      'catalog_state',
      'containers',
      'custody_events',
      'samples',
      'shipment_containers',
      'shipments',
      'sites',
      'storage_profiles',
    ]);
    const applied = await sql`select hash, created_at from drizzle.__drizzle_migrations order by id`;
    const [version] = await sql`select version from catalog_state`;

    await migrateDatabase(database.url);
    expect(await sql`select hash, created_at from drizzle.__drizzle_migrations order by id`).toEqual(applied);
    expect(await sql`select version from catalog_state`).toEqual([version]);
  });

  it('make the audit log and custody history append-only in the database itself', async () => {
    await sql`insert into audit_log (actor, entity_type, entity_id, action) values ('ada', 'Sample', 'x', 'create')`;
    await sql`insert into custody_events (subject_type, subject_id, subject_code, actor)
              values ('SAMPLE', gen_random_uuid(), 'SAMPLE-X', 'ada')`;
    await expect(sql`update audit_log set actor = 'mallory'`).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`).rejects.toThrow(/append-only/);
    await expect(sql`update custody_events set actor = 'mallory'`).rejects.toThrow(/append-only/);
    await expect(sql`delete from custody_events`).rejects.toThrow(/append-only/);
    const [entry] = await sql`select actor from audit_log`;
    expect(entry?.actor).toBe('ada');
  });
});
