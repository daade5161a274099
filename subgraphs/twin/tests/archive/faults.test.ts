import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { createTestDatabase, services, startPostgresServer, type TestDatabase, uniqueName } from '@bst/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveRepository, openArchiveDatabase, startArchiver } from '../../src/archive/index.ts';
import { createRedisTwinStore, type EntityRef, type TwinStore } from '../../src/store/index.ts';
import { spawnArchiver, stopProcess } from '../support/archiverProcess.ts';
import { type StubCore, startStubCore } from '../support/stubCore.ts';
import { catalogOf, HOUR, ingestInto, MINUTE } from './support.ts';

const profile = refrigeratedProfile({ id: 'faults-fridge', excursionDelaySeconds: 0 });
const boxes: EntityRef[] = Array.from({ length: 6 }, (_, i) => ({ entityType: 'CONTAINER', code: `BOX-FAULT-${i}` }));
const catalog = catalogOf(profile, boxes);
const t0 = Date.UTC(2026, 9, 1);

/** Keeps ingesting one reading per container per step (a warm spell now and then) until told to stop. */
function startIngest(store: TwinStore) {
  const ingest = ingestInto(store, catalog);
  let stopped = false;
  let step = 0;
  const done = (async () => {
    while (!stopped) {
      const at = t0 + step * MINUTE;
      const temperatureC = step % 60 >= 50 ? 10 : 5;
      await Promise.all(boxes.map((box) => ingest(box, [{ at, receivedAt: at, temperatureC, humidityPct: null }])));
      step++;
    }
  })();
  return {
    steps: () => step,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

async function until(what: string, condition: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Archive = accepted: every stored reading once, every transition once, the alert records equal. */
async function expectArchiveEqualsAccepted(
  store: TwinStore,
  archive: ArchiveRepository,
  rows: (q: ReturnType<typeof sql>) => Promise<{ n: number }[]>,
) {
  await until('the outbox to drain', async () => (await store.outbox.lag()).unacknowledged === 0);
  const stats = await store.ingestStats();
  const counts = await archive.counts();
  expect(counts.readings).toBe(stats.accepted);
  const [distinct] = await rows(sql`select count(distinct (entity, at))::int as n from twin.readings`);
  expect(distinct?.n).toBe(counts.readings);
  const alerts = await store.alerts({ codes: boxes.map((b) => b.code) }, 1000);
  expect(counts.alerts).toBe(alerts.length);
  let transitions = 0;
  for (const alert of alerts) transitions += (await store.alertEvents(alert.id)).length;
  expect(counts.alertEvents).toBe(transitions);
}

describe('the archive loses nothing when an archiver is killed mid-stream', () => {
  let database: TestDatabase;
  let core: StubCore;
  let store: TwinStore;
  const prefix = uniqueName('faults_kill');

  beforeAll(async () => {
    database = await createTestDatabase('faults_kill');
    core = await startStubCore(catalog);
    store = createRedisTwinStore({ redis: services.redisUrl, prefix, retention: { maxAgeMs: 48 * HOUR } });
  });
  afterAll(async () => {
    await store?.clear();
    await store?.close();
    await core?.close();
    await database?.drop();
  });

  it('SIGKILL one of two archivers: the other takes over whatever it held; archive = accepted, no duplicates, ingest never paused', async () => {
    const env = {
      REDIS_URL: services.redisUrl,
      TWIN_STORE_PREFIX: prefix,
      ARCHIVE_DATABASE_URL: database.url,
      CORE_GRAPH_URL: core.url,
      ARCHIVER_CLAIM_IDLE_MS: '1500',
      ARCHIVER_BATCH_SIZE: '200',
    };
    const ingest = startIngest(store);
    const [doomed, survivor] = await Promise.all([
      spawnArchiver({ ...env, ARCHIVER_CONSUMER: 'doomed' }),
      spawnArchiver({ ...env, ARCHIVER_CONSUMER: 'survivor' }),
    ]);
    const database2 = await openArchiveDatabase({ url: database.url, max: 2 });
    try {
      const archive = new ArchiveRepository(database2, { retentionMs: 10 * 365 * 24 * HOUR });
      await until(
        'both archivers at work',
        async () => (await archive.archivers()).filter((a) => a.archived > 0).length === 2,
      );
      await stopProcess(doomed, 'SIGKILL');
      const atKill = ingest.steps();
      await new Promise((resolve) => setTimeout(resolve, 2500));
      // Ingest goes on while an archiver is dead: the outbox takes the backlog.
      expect(ingest.steps()).toBeGreaterThan(atKill + 5);
      await ingest.stop();
      await expectArchiveEqualsAccepted(store, archive, (q) => database2.rows<{ n: number }>(q));
    } finally {
      await stopProcess(survivor, 'SIGTERM');
      await database2.close();
    }
  }, 180_000);
});

describe('the archive loses nothing when Postgres restarts mid-stream', () => {
  let server: Awaited<ReturnType<typeof startPostgresServer>>;
  let store: TwinStore;

  beforeAll(async () => {
    // The test's own Postgres on a spare port: the machine's shared one is never restarted.
    server = await startPostgresServer();
    store = createRedisTwinStore({
      redis: services.redisUrl,
      prefix: uniqueName('faults_pg'),
      retention: { maxAgeMs: 48 * HOUR },
    });
  }, 60_000);
  afterAll(async () => {
    await store?.clear();
    await store?.close();
    await server?.destroy();
  });

  it('keeps ingesting, retries the batch in hand, and catches up: archive = accepted, no duplicates', async () => {
    const database = await openArchiveDatabase({ url: server.url, max: 2 });
    const archive = new ArchiveRepository(database, { retentionMs: 10 * 365 * 24 * HOUR });
    const errors: unknown[] = [];
    const archiver = startArchiver({
      store,
      archive,
      profileOf: () => profile,
      consumer: 'through-a-restart',
      idleMs: 20,
      onError: (error) => errors.push(error),
    });
    const ingest = startIngest(store);
    try {
      await until('archiving under way', async () => archiver.stats().archived > 200);
      await server.stop();
      const atStop = ingest.steps();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(ingest.steps()).toBeGreaterThan(atStop + 5);
      await server.start();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await ingest.stop();
      await expectArchiveEqualsAccepted(store, archive, (q) => database.rows<{ n: number }>(q));
      expect(errors.length).toBeGreaterThan(0);
      expect(archiver.stats().errors).toBe(errors.length);
    } finally {
      await ingest.stop();
      await archiver.stop();
      await database.close();
    }
  }, 180_000);
});
