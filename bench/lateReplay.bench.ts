// The cost of a reading older than the reorder horizon through the bridge's ingest path (issue 9): replayed from the
// latest checkpoint before it and the stored series, read from Redis's hot window or, older than that, the archive.
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { createRedisTestPrefix, createTestDatabase } from '@bst/testing';
import {
  ArchiveRepository,
  catalogView,
  createGroupCommit,
  createHistory,
  createRedisTwinStore,
  openArchiveDatabase,
  startArchiver,
} from '@bst/twin';
import { replayFrom } from '../subgraphs/twin/src/bridge/ingest/replayVeryLate.ts';
import { percentile, round } from './support/startAlertStack.ts';

const env = process.env;
const hours = Number(env.BENCH_HOURS ?? 24);
const everySeconds = 5;
const HOUR = 3600_000;
const profile = refrigeratedProfile({ id: 'late-bench' });
const box = { entityType: 'CONTAINER' as const, code: 'BOX-LATE' };
const catalog = { version: 'late', profiles: [profile], bindings: [{ ...box, profileId: profile.id }] };
const end = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const start = end - hours * HOUR;

const redis = createRedisTestPrefix('late_bench');
// Twelve hours of hot window: a reading a day late is replayed from the archive.
const store = createRedisTwinStore({ redis: redis.url, prefix: redis.prefix, retention: { maxAgeMs: 12 * HOUR } });
const test = await createTestDatabase('late_bench');
const database = await openArchiveDatabase({ url: test.url, max: 4 });
const archive = new ArchiveRepository(database, { retentionMs: 10 * 365 * 24 * HOUR });
const view = catalogView(catalog);
// The bridge's ingest path: the engine step and the group commit, replaying very late readings.
const commits = createGroupCommit({
  store,
  catalog: () => view,
  replay: replayFrom(store, createHistory(store, archive), archive),
});
const ingest = commits.ingest;
const archiver = startArchiver({ store, archive, profileOf: () => profile, consumer: 'late-bench', idleMs: 10 });

let readings = 0;
const filling = [];
for (let at = start; at <= end; at += everySeconds * 1000) {
  // Every reading in range; the late ones below fall 2 s after one of them.
  filling.push(ingest(box, { at, receivedAt: at, temperatureC: 5, humidityPct: null }));
  readings++;
  if (filling.length >= 500) await Promise.all(filling.splice(0));
}
await Promise.all(filling);
while ((await store.outbox.lag()).unacknowledged > 0) await new Promise((resolve) => setTimeout(resolve, 20));

async function timeLate(ageMs: number, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let k = 0; k < count; k++) {
    const at = end - ageMs - k * 60_000 + 2000;
    const started = performance.now();
    const outcome = await ingest(box, {
      at,
      receivedAt: Date.now(),
      temperatureC: 5.5,
      humidityPct: null,
    });
    times.push(performance.now() - started);
    if (outcome.status !== 'stored') throw new Error(`late reading not stored: ${outcome.status}`);
  }
  return times.sort((a, b) => a - b);
}

const inOrder: number[] = [];
for (let k = 1; k <= 20; k++) {
  const started = performance.now();
  await ingest(box, { at: end + k * 5000, receivedAt: Date.now(), temperatureC: 5, humidityPct: null });
  inOrder.push(performance.now() - started);
}
inOrder.sort((a, b) => a - b);
const hourLate = await timeLate(HOUR, 7);
const dayLate = await timeLate(Math.min(hours - 1, 20) * HOUR, 7);
await archiver.stop();
await store.close();
await redis.cleanup();
await database.close();
await test.drop();

console.log(
  JSON.stringify({
    bench: 'lateReplay',
    seriesReadings: readings,
    everySeconds,
    hotWindowHours: 12,
    inOrderMedianMs: round(percentile(inOrder, 50)),
    hourLateMedianMs: round(percentile(hourLate, 50)),
    dayLateFromArchiveMedianMs: round(percentile(dayLate, 50)),
    dayLateAgeHours: Math.min(hours - 1, 20),
  }),
);
process.exit(0);
