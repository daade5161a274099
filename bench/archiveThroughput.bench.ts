// Archive throughput against the bridge's ingest rate in the same run (issue 8): the bridge ingests readings over real
// Mosquitto into Redis with no archiver running (its rate is the baseline), then one archiver drains the backlog the
// outbox kept into Postgres. The archive keeps up when it drains faster than the bridge ingests (ratio >= 1).
// The soak's shape: BENCH_BOXES=200 BENCH_INTERVAL_MS=100 (ten readings a second per box, so an hour of one box holds
// 36,000 readings) and BENCH_INGEST_PER_SEC=2000 BENCH_CONCURRENT=… (ingest goes on while the backlog drains);
// BENCH_PREFILL_MINUTES puts that many minutes of each box's readings in the archive first (by SQL, right before the
// bench's own, as a soak's archive holds them), BENCH_MAX_SECONDS ends a drain that would not finish.
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { createRedisTestPrefix, createTestDatabase, services, uniqueName } from '@bst/testing';
import { ArchiveRepository, createRedisTwinStore, openArchiveDatabase, startArchiver, startBridge } from '@bst/twin';
import { sql } from 'drizzle-orm';
import mqtt from 'mqtt';
import { processCpuMs } from './support/processCpu.ts';
import { publishWithBackpressure } from './support/publishWithBackpressure.ts';

const env = process.env;
const readings = Number(env.BENCH_READINGS ?? 20_000);
const archivers = Number(env.BENCH_ARCHIVERS ?? 1);
const batchSize = Number(env.BENCH_BATCH ?? 1000);
const concurrent = Number(env.BENCH_CONCURRENT ?? 0);
const ingestPerSecWanted = Number(env.BENCH_INGEST_PER_SEC ?? 2000);
const intervalMs = Number(env.BENCH_INTERVAL_MS ?? 60_000);
const prefillMinutes = Number(env.BENCH_PREFILL_MINUTES ?? 0);
const maxSeconds = Number(env.BENCH_MAX_SECONDS ?? Number.POSITIVE_INFINITY);
const boxes = Array.from({ length: Number(env.BENCH_BOXES ?? 100) }, (_, i) => `BOX-${String(i + 1).padStart(4, '0')}`);
const profile = refrigeratedProfile({ id: 'bench', maxExcursionMinutes: 30 });
const catalog = {
  version: 'bench',
  profiles: [profile],
  bindings: boxes.map((code) => ({ entityType: 'CONTAINER' as const, code, profileId: profile.id })),
};

const redis = createRedisTestPrefix('archive_bench');
const store = createRedisTwinStore({ redis: redis.url, prefix: redis.prefix });
const database = await createTestDatabase('archive_bench');
const archiveDatabase = await openArchiveDatabase({ url: database.url, max: 4 * archivers });
const archive = new ArchiveRepository(archiveDatabase, { retentionMs: 10 * 365 * 24 * 3600_000 });
await archive.prepare();
const topicPrefix = uniqueName('archive_bench');
const bridge = await startBridge({
  mqttUrl: services.mqttUrl,
  store,
  archive,
  catalogSource: { version: async () => catalog.version, catalog: async () => catalog },
  topicPrefix,
  clientId: uniqueName('bridge'),
  schedulerIntervalMs: false,
});
const publisher = await mqtt.connectAsync(services.mqttUrl, { clientId: uniqueName('bench_device') });

// One reading every BENCH_INTERVAL_MS per box (a minute by default), a warm spell of 20 minutes every four hours of
// event time: readings, checkpoints and alert transitions to archive.
const total = readings + concurrent;
// With a prefill, the bench's readings follow it in the same hour of event time (the last whole hour): each batch
// lands in an hour already holding prefillMinutes of every box's readings, whatever the clock says.
const lastHour = Math.floor(Date.now() / 3600_000) * 3600_000 - 3600_000;
const start =
  prefillMinutes > 0 ? lastHour + prefillMinutes * 60_000 : Date.now() - (total / boxes.length + 10) * intervalMs;
const messages = Array.from({ length: total }, (_, i) => {
  const n = Math.floor(i / boxes.length);
  const offset = n * intervalMs;
  return {
    topic: `${topicPrefix}/telemetry/box/${boxes[i % boxes.length]}`,
    body: JSON.stringify({
      temperature: offset % (4 * 3600_000) < 20 * 60_000 ? 9.5 : 4 + (i % 7) * 0.3,
      ts: start + offset,
    }),
  };
});

/** CPU of the Postgres backends serving this database (the archiver's and the bridge's connections). */
async function postgresCpuMs(): Promise<number> {
  const rows = await archiveDatabase.rows<{ pid: number }>(
    sql`select pid from pg_stat_activity where datname = current_database()`,
  );
  let ms = 0;
  for (const { pid } of rows) {
    try {
      ms += processCpuMs(pid);
    } catch {
      // The backend ended between the two reads.
    }
  }
  return ms;
}

// The archive already holds the minutes before the bench's readings, at the same pace (a soak's archive).
const prefilled = boxes.length * Math.floor((prefillMinutes * 60_000) / intervalMs);
if (prefilled > 0) {
  await archiveDatabase.db.execute(sql`
    insert into twin.readings (entity, at, received_at, temperature_c, humidity_pct)
    select 'container:' || b.code, t.at, t.at, 4 + (extract(second from t.at)::int % 7) * 0.3, null
    from unnest(${`{${boxes.join(',')}}`}::text[]) as b(code)
    cross join generate_series(${new Date(start - prefillMinutes * 60_000).toISOString()}::timestamptz,
      ${new Date(start - intervalMs).toISOString()}::timestamptz, ${`${intervalMs} milliseconds`}::interval) as t(at)`);
}

let ingestPerSec = 0;
let archivePerSec = 0;
let entries = 0;
let entriesPerSec = 0;
let drained = false;
let postgresCpuPerSec = 0;
const drain: { seconds: number; archivedPerSec: number; lag: number; rssMb: number; heapMb: number }[] = [];
let rssMaxMb = 0;
try {
  ingestPerSec = await publishWithBackpressure(publisher, messages.slice(0, readings), () => bridge.messagesHandled());
  entries = (await store.outbox.lag()).unacknowledged;
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  const cpuBefore = await postgresCpuMs();
  const running = Array.from({ length: archivers }, (_, k) =>
    startArchiver({ store, archive, profileOf: () => profile, consumer: `bench-${k}`, idleMs: 5, batchSize }),
  );
  const archived = () => running.reduce((sum, a) => sum + a.stats().archived, 0);
  // Ingest goes on while the backlog drains, at BENCH_INGEST_PER_SEC (in slices of a tenth of a second).
  const ingesting = (async () => {
    const slice = Math.max(1, Math.round(ingestPerSecWanted / 10));
    for (let i = readings; i < total && performance.now() < deadline; i += slice) {
      const due = started + ((i - readings) / ingestPerSecWanted) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      await publishWithBackpressure(publisher, messages.slice(i, Math.min(total, i + slice)), () =>
        bridge.messagesHandled(),
      );
    }
  })();
  let ingestDone = concurrent === 0;
  void ingesting.then(() => {
    ingestDone = true;
  });
  let last = { at: performance.now(), archived: 0 };
  while ((!ingestDone || (await store.outbox.lag()).unacknowledged > 0) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = performance.now();
    if (now - last.at >= 10_000) {
      const done = archived();
      const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
      rssMaxMb = Math.max(rssMaxMb, rssMb);
      drain.push({
        seconds: Math.round((now - started) / 1000),
        archivedPerSec: Math.round(((done - last.archived) / (now - last.at)) * 1000),
        lag: (await store.outbox.lag()).unacknowledged,
        rssMb,
        heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      });
      last = { at: now, archived: done };
    }
  }
  await ingesting;
  const seconds = (performance.now() - started) / 1000;
  drained = performance.now() < deadline;
  postgresCpuPerSec = ((await postgresCpuMs()) - cpuBefore) / 1000 / seconds;
  // Counted before stopping: a batch still in hand after the deadline is not committed, so not counted.
  const counts = await archive.counts();
  archivePerSec = (counts.readings - prefilled) / seconds;
  entriesPerSec = archived() / seconds;
  await Promise.all(running.map((a) => a.stop()));
  if (drained && counts.readings !== prefilled + total) {
    throw new Error(`archived ${counts.readings - prefilled} of ${total} readings`);
  }
} finally {
  await publisher.endAsync();
  await bridge.stop();
  await store.close();
  await redis.cleanup();
  await archiveDatabase.close();
  await database.drop();
}
console.log(
  JSON.stringify({
    bench: 'archiveThroughput',
    readings,
    boxes: boxes.length,
    intervalMs,
    concurrent,
    outboxEntries: entries,
    archivers,
    bridgeReadingsPerSec: Math.round(ingestPerSec),
    archiveReadingsPerSec: Math.round(archivePerSec),
    archiveEntriesPerSec: Math.round(entriesPerSec),
    prefilled,
    drained,
    ratio: Number((archivePerSec / ingestPerSec).toFixed(3)),
    target: 1,
    postgresCores: Number(postgresCpuPerSec.toFixed(2)),
    rssMaxMb,
    drain,
    loadAverage: (await import('node:os')).loadavg().map((l) => Number(l.toFixed(1))),
  }),
);
process.exit(0);
