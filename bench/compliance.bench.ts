// Compliance from the archive's rollups (issue 8): a 30-day window against a 1-hour window on the same container,
// and one query for 500 containers' 24-hour compliance, through the twin subgraph over Postgres.
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { type Identity, sealIdentity } from '@bst/identity';
import { createTestDatabase, postToSubgraph, uniqueName } from '@bst/testing';
import {
  ArchiveRepository,
  createMemoryTwinStore,
  type EntityRef,
  openArchiveDatabase,
  startTwinSubgraph,
} from '@bst/twin';
import { fridgeSeries, outboxOf } from './support/archiveEntries.ts';
import { percentile, round } from './support/startAlertStack.ts';

const env = process.env;
const fleet = Number(env.BENCH_FLEET ?? 500);
const runs = Number(env.BENCH_RUNS ?? 40);
const secret = 'bench-compliance-secret';
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const profile = refrigeratedProfile({ id: 'bench-fridge', name: 'Bench fridge', excursionDelaySeconds: 300 });
const end = Math.floor(Date.now() / HOUR) * HOUR - 7 * 60_000;
const box = (i: number): EntityRef => ({ entityType: 'CONTAINER', code: `BOX-${String(i).padStart(4, '0')}` });

const database = await createTestDatabase('bench_compliance');
const archiveDatabase = await openArchiveDatabase({ url: database.url, max: 8 });
const archive = new ArchiveRepository(archiveDatabase, { retentionMs: 10 * 365 * DAY });
const store = createMemoryTwinStore({ prefix: uniqueName('bench_compliance') });
await store.cacheCatalog(
  {
    version: 'bench',
    profiles: [profile],
    bindings: Array.from({ length: fleet }, (_, i) => ({ ...box(i), profileId: profile.id })),
  },
  3600,
);

// Container 0: 30 days at one reading a minute; the fleet: a day at one reading every 5 minutes.
const loadStarted = performance.now();
const month = outboxOf(box(0), fridgeSeries(end - 30 * DAY, 30, 1), profile);
for (let i = 0; i < month.length; i += 5000) await archive.store(month.slice(i, i + 5000), () => profile);
for (let i = 1; i < fleet; i += 50) {
  const batch = [];
  for (let k = i; k < Math.min(fleet, i + 50); k++)
    batch.push(...outboxOf(box(k), fridgeSeries(end - DAY, 1, 5, k), profile));
  await archive.store(batch, () => profile);
}
const loadSeconds = (performance.now() - loadStarted) / 1000;

const subgraph = await startTwinSubgraph({ store, archive, gatewaySecret: secret, now: () => end });
const fields = 'readings timeInRangePct excursionMinutes budgetUsedMinutes mktC';

async function timeQuery(query: string, variables: Record<string, unknown>): Promise<number> {
  const identity = await sealIdentity({ subject: 'bench', roles: ['viewer'] } satisfies Identity, secret);
  const started = performance.now();
  const { body } = await postToSubgraph(subgraph.url, { query, variables }, identity);
  const ms = performance.now() - started;
  const errors = (body as { errors?: unknown[] }).errors;
  if (errors) throw new Error(JSON.stringify(errors));
  return ms;
}

const one = `query ($since: DateTime, $until: DateTime) { _entities(representations: [{ __typename: "Container", code: "BOX-0000" }]) {
  ... on Container { compliance(since: $since, until: $until) { ${fields} } } } }`;
const iso = (at: number) => new Date(at).toISOString();
// Windows end a few minutes after an hour, as "now" does: both have raw edges.
const month30 = { since: iso(end - 30 * DAY + 3 * 60_000), until: iso(end) };
const hour1 = { since: iso(end - HOUR), until: iso(end) };
await timeQuery(one, month30);
await timeQuery(one, hour1);
const monthTimes: number[] = [];
const hourTimes: number[] = [];
for (let i = 0; i < runs; i++) {
  hourTimes.push(await timeQuery(one, hour1));
  monthTimes.push(await timeQuery(one, month30));
}
monthTimes.sort((a, b) => a - b);
hourTimes.sort((a, b) => a - b);

const representations = Array.from({ length: fleet }, (_, i) => ({ __typename: 'Container', code: box(i).code }));
const many = `query ($since: DateTime, $until: DateTime, $reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Container { compliance(since: $since, until: $until) { ${fields} } } } }`;
const day = { since: iso(end - DAY), until: iso(end), reps: representations };
await timeQuery(many, day);
const fleetTimes: number[] = [];
for (let i = 0; i < 5; i++) fleetTimes.push(await timeQuery(many, day));
fleetTimes.sort((a, b) => a - b);

await subgraph.stop();
await store.close();
await archiveDatabase.close();
await database.drop();

const monthP50 = percentile(monthTimes, 50);
const hourP50 = percentile(hourTimes, 50);
console.log(
  JSON.stringify({
    bench: 'compliance',
    runs,
    monthReadings: month.filter((e) => e.kind === 'reading').length,
    month30dP50Ms: round(monthP50),
    month30dP95Ms: round(percentile(monthTimes, 95)),
    hour1hP50Ms: round(hourP50),
    hour1hP95Ms: round(percentile(hourTimes, 95)),
    ratio30dTo1h: round(monthP50 / hourP50),
    targets: { ratio: 3, p95Ms: 50, fleetMs: 500 },
    fleet,
    fleet24hMedianMs: round(percentile(fleetTimes, 50)),
    fleet24hRunsMs: fleetTimes.map((t) => round(t)),
    loadSeconds: round(loadSeconds, 1),
  }),
);
process.exit(0);
