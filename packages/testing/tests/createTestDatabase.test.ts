import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../src/index.ts';

describe('createTestDatabase', () => {
  it('gives a suite its own empty database and removes it afterwards', async () => {
    const db = await createTestDatabase('fixture');
    const sql = postgres(db.url, { max: 1 });
    const [row] = await sql`select current_database() as name`;
    expect(row?.name).toBe(db.name);
    await sql.end();
    await db.drop();
    const admin = postgres(db.url.replace(db.name, 'postgres'), { max: 1 });
    const left = await admin`select 1 from pg_database where datname = ${db.name}`;
    await admin.end();
    expect(left.length).toBe(0);
  });
});
