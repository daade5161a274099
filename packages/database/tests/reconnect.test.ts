import { relayedTestDatabase, startTcpProxy } from '@bst/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, reconnectDelaySeconds } from '../src/index.ts';

const outageMs = 12_000;
const reconnectWithinMs = 2000;

describe('a service database after Postgres comes back', () => {
  let database: Awaited<ReturnType<typeof relayedTestDatabase>>;
  let db: Database<Record<string, never>>;

  beforeAll(async () => {
    database = await relayedTestDatabase('database_reconnect');
    db = await openDatabase({ url: database.url, schema: {}, migrations: { folder: '', lockId: 0 } });
  }, 30_000);
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it('waits at most a second between connection attempts, however many failed', () => {
    for (let retries = 0; retries < 40; retries++) {
      const delay = reconnectDelaySeconds(retries);
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(1);
    }
  });

  it(`answers within ${reconnectWithinMs} ms of Postgres returning after ${outageMs / 1000} s stopped`, async () => {
    // Each request gives up after a second, as a service's request deadline does: the driver may hold it longer.
    const ping = () =>
      Promise.race([
        db.db.execute(sql`select 1`).then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000)),
      ]);
    expect(await ping()).toBe(true);
    // Postgres stopped: its address refuses connections (ECONNREFUSED), each a failed attempt to the driver.
    const port = database.proxy.port;
    await database.proxy.stop();
    // Requests keep coming during the outage, as they do in a service.
    const downAt = performance.now();
    while (performance.now() - downAt < outageMs) {
      expect(await ping()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Back on the same address.
    const direct = new URL(database.directUrl);
    const back = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) }, port);
    const upAt = performance.now();
    while (!(await ping())) await new Promise((resolve) => setTimeout(resolve, 50));
    const recoveryMs = performance.now() - upAt;
    await back.stop();
    expect(recoveryMs).toBeLessThan(reconnectWithinMs);
  }, 60_000);
});
