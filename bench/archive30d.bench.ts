// Issue 8, acceptance 1: 30 days at one reading per minute for 20 containers (864,000 readings) over real Mosquitto,
// through the bridge, Redis (a 72-hour hot window) and an archiver into Postgres; then the archive must hold each
// reading exactly once and, per container, compliance since 30 days ago must equal the engine over the full series.
// Long: BENCH_CONTAINERS, BENCH_DAYS and BENCH_EVERY_MINUTES scale it down (CI runs the same property at 2 x 30 days
// x every 10 minutes: subgraphs/twin/tests/archive/month.test.ts).
import { compliance } from '@bst/coldchain';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { containerRef, startArchivePipeline } from '../subgraphs/twin/tests/support/archivePipeline.ts';
import { fridgeSeries } from './support/archiveEntries.ts';
import { round } from './support/startAlertStack.ts';

const env = process.env;
const containers = Number(env.BENCH_CONTAINERS ?? 20);
const days = Number(env.BENCH_DAYS ?? 30);
const everyMinutes = Number(env.BENCH_EVERY_MINUTES ?? 1);
const DAY = 24 * 3600_000;
const profile = refrigeratedProfile({ id: 'bench-month', name: 'Bench month', excursionDelaySeconds: 300 });
const end = Math.floor((Date.now() - DAY) / 60_000) * 60_000;
const start = end - days * DAY;
const codes = Array.from({ length: containers }, (_, i) => `BOX-${String(i).padStart(4, '0')}`);
const series = new Map(codes.map((code, i) => [code, fridgeSeries(start, days, everyMinutes, i)]));
const total = [...series.values()].reduce((n, s) => n + s.length, 0);

const started = performance.now();
const pipeline = await startArchivePipeline({ label: 'bench_archive30d', profile, codes });
let result: Record<string, unknown> = {};
try {
  const published = await pipeline.publish(series);
  const drainSeconds = await pipeline.drained(600_000);
  const counts = await pipeline.archive.counts();
  const accepted = (await pipeline.store.ingestStats()).accepted;
  let matching = 0;
  let mktMaxDiff = 0;
  const mismatches: string[] = [];
  for (const [code, readings] of series) {
    const window = { since: start, until: end };
    const queried = performance.now();
    const [got] = await pipeline.readCompliance([{ entity: containerRef(code), profile, window }]);
    const ms = performance.now() - queried;
    const want = compliance(readings, profile, window);
    const same =
      got?.readings === want.readings &&
      got.timeInRangePct === want.timeInRangePct &&
      got.excursionMinutes === want.excursionMinutes &&
      got.unobservedExcursionMinutes === want.unobservedExcursionMinutes &&
      got.budgetUsedMinutes === want.budgetUsedMinutes &&
      got.excursionCount === want.excursionCount &&
      Math.abs((got.mktC ?? 0) - (want.mktC ?? 0)) <= 0.01;
    mktMaxDiff = Math.max(mktMaxDiff, Math.abs((got?.mktC ?? 0) - (want.mktC ?? 0)));
    if (same) matching++;
    else mismatches.push(`${code} (${round(ms)} ms)`);
  }
  result = {
    bench: 'archive30d',
    containers,
    days,
    everyMinutes,
    readings: total,
    accepted,
    archivedReadings: counts.readings,
    exactlyOnce: counts.readings === total && accepted === total,
    complianceMatches: `${matching}/${containers}`,
    mktMaxDiff: round(mktMaxDiff, 4),
    ingestReadingsPerSec: Math.round(published.readingsPerSec),
    maxOutboxLag: published.maxLag,
    drainAfterIngestSeconds: round(drainSeconds, 1),
    totalSeconds: round((performance.now() - started) / 1000, 1),
    ...(mismatches.length ? { mismatches } : {}),
  };
} finally {
  await pipeline.stop();
}
console.log(JSON.stringify(result));
process.exit(result.exactlyOnce && result.complianceMatches === `${containers}/${containers}` ? 0 : 1);
