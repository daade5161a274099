import postgres from 'postgres';
import { services } from './services.ts';
import { uniqueName } from './uniqueName.ts';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty Postgres database for one suite; `drop()` removes it (and any connection left open). */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = uniqueName(label);
  const admin = postgres(services.postgresAdminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(services.postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const sql = postgres(services.postgresAdminUrl, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await sql.end();
      }
    },
  };
}
