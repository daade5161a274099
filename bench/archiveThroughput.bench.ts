// Archive throughput against the bridge's ingest rate in the same run (issue 8): the bridge ingests readings over real
// Mosquitto into Redis with no archiver running (its rate is the baseline), then one archiver drains the backlog the
// outbox kept into Postgres. The archive keeps up when it drains faster than the bridge ingests (ratio >= 1).
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { createRedisTestPrefix, createTestDatabase, services, uniqueName } from '@bst/testing';
import { ArchiveRepository, createRedisTwinStore, openArchiveDatabase, startArchiver, startBridge } from '@bst/twin';
import mqtt from 'mqtt';
import { publishWithBackpressure } from './support/publishWithBackpressure.ts';

const env = process.env;
const readings = Number(env.BENCH_READINGS ?? 20_000);
const archivers = Number(env.BENCH_ARCHIVERS ?? 1);
const batchSize = Number(env.BENCH_BATCH ?? 1000);
const boxes = Array.from({ length: 100 }, (_, i) => `BOX-${String(i + 1).padStart(4, '0')}`);
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

// One reading a minute per box, a warm spell every few hours: readings, checkpoints and alert transitions to archive.
const start = Date.now() - (readings / boxes.length + 10) * 60_000;
const messages = Array.from({ length: readings }, (_, i) => {
  const n = Math.floor(i / boxes.length);
  return {
    topic: `${topicPrefix}/telemetry/box/${boxes[i % boxes.length]}`,
    body: JSON.stringify({ temperature: n % 240 < 20 ? 9.5 : 4 + (i % 7) * 0.3, ts: start + n * 60_000 }),
  };
});

let ingestPerSec = 0;
let archivePerSec = 0;
let entries = 0;
try {
  ingestPerSec = await publishWithBackpressure(publisher, messages, () => bridge.messagesHandled());
  entries = (await store.outbox.lag()).unacknowledged;
  const started = performance.now();
  const running = Array.from({ length: archivers }, (_, k) =>
    startArchiver({ store, archive, profileOf: () => profile, consumer: `bench-${k}`, idleMs: 5, batchSize }),
  );
  while ((await store.outbox.lag()).unacknowledged > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(running.map((a) => a.stop()));
  archivePerSec = readings / seconds;
  const counts = await archive.counts();
  if (counts.readings !== readings) throw new Error(`archived ${counts.readings} of ${readings} readings`);
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
    outboxEntries: entries,
    archivers,
    bridgeReadingsPerSec: Math.round(ingestPerSec),
    archiveReadingsPerSec: Math.round(archivePerSec),
    archiveEntriesPerSec: Math.round((archivePerSec * entries) / readings),
    ratio: Number((archivePerSec / ingestPerSec).toFixed(3)),
    target: 1,
  }),
);
process.exit(0);
