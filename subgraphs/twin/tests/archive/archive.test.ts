import { type Compliance, compliance } from '@bst/coldchain';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { uniqueName } from '@bst/testing';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComplianceReader, createHistory, partitionMonths } from '../../src/archive/index.ts';
import { catalogView } from '../../src/bridge/index.ts';
import { createMemoryTwinStore, type EntityRef, type TwinReading, type TwinStore } from '../../src/store/index.ts';
import { type ArchiveFixture, archiveAll, catalogOf, HOUR, ingestInto, MINUTE, openTestArchive } from './support.ts';

const box: EntityRef = { entityType: 'CONTAINER', code: 'BOX-ARCHIVE' };
const profile = refrigeratedProfile({
  id: 'archive-fridge',
  kind: 'REFRIGERATED',
  excursionDelaySeconds: 300,
  maxExcursionMinutes: 45,
  excursionBudgetMinutes: 90,
  staleAfterSeconds: 900,
});
const catalog = catalogOf(profile, [box]);
const t0 = Date.UTC(2026, 5, 1, 0, 7);

/** Ten days at one reading every 5 minutes: mostly in range, a warm spell each day, silences, a missing value. */
function tenDays(): TwinReading[] {
  const readings: TwinReading[] = [];
  for (let n = 0; n < 10 * 24 * 12; n++) {
    const at = t0 + n * 5 * MINUTE + (n % 7) * 1000;
    const minuteOfDay = (n * 5) % (24 * 60);
    if (minuteOfDay >= 600 && minuteOfDay < 690 && n % 3 === 0) continue;
    if (n % 97 === 0 && n > 0) continue;
    const warm = minuteOfDay >= 300 && minuteOfDay < 300 + ((n / 288) % 4) * 20 + 15;
    const temperatureC = n % 211 === 5 ? null : warm ? 9.5 + (n % 3) : 4 + ((n * 7) % 30) / 10;
    readings.push({ at, receivedAt: at + 20, temperatureC, humidityPct: null });
  }
  return readings;
}

function expectSame(got: Compliance, want: Compliance): void {
  const { mktC, meanC, ...rest } = got;
  const { mktC: wantMkt, meanC: wantMean, ...wantRest } = want;
  expect(rest).toEqual(wantRest);
  expect(Math.abs((mktC ?? 0) - (wantMkt ?? 0))).toBeLessThanOrEqual(0.01);
  expect(Math.abs((meanC ?? 0) - (wantMean ?? 0))).toBeLessThanOrEqual(0.01);
}

describe('the archive on Postgres', () => {
  let fixture: ArchiveFixture;
  let store: TwinStore;
  const series = tenDays();

  beforeAll(async () => {
    fixture = await openTestArchive('twin_archive');
    // A two-hour hot window: most of the ten days exist only in the archive.
    store = createMemoryTwinStore({ prefix: uniqueName('archive'), retention: { maxAgeMs: 2 * HOUR } });
    await ingestInto(store, catalog)(box, series);
    await archiveAll(store, fixture.archive, catalog);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await fixture?.close();
  });

  it('holds every accepted reading exactly once, and the alert records and checkpoints the engine made', async () => {
    const counts = await fixture.archive.counts();
    expect(counts.readings).toBe(series.length);
    expect((await store.ingestStats()).accepted).toBe(series.length);
    const records = await store.alerts({ codes: [box.code] }, 1000);
    expect(counts.alerts).toBe(records.length);
    expect(counts.checkpoints).toBeGreaterThan(200);
    const archived = await fixture.archive.alertRecords('container:BOX-ARCHIVE', t0, t0 + 11 * 24 * HOUR);
    expect(archived.map(({ entity, ...a }) => a).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      records.map(({ entityType, code, ...a }) => a).sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('archives a redelivered batch without a second copy of anything', async () => {
    const before = await fixture.archive.counts();
    const again = createMemoryTwinStore({ prefix: uniqueName('archive_again') });
    await ingestInto(again, catalog)(box, series.slice(0, 300));
    await archiveAll(again, fixture.archive, catalog);
    await again.close();
    expect(await fixture.archive.counts()).toEqual(before);
  });

  it('reads history across the hot window and the archive as one series', async () => {
    const history = createHistory(store, fixture.archive);
    expect(await store.readings(box)).not.toHaveLength(series.length);
    const all = await history.range(box, t0, t0 + 11 * 24 * HOUR);
    expect(all).toEqual(series);
    let page = await history.page(box, { since: t0, until: t0 + 11 * 24 * HOUR, first: 1000 });
    const paged = [...page.readings];
    while (page.more) {
      page = await history.page(box, { since: t0, until: t0 + 11 * 24 * HOUR, first: 1000, after: paged.at(-1)!.at });
      paged.push(...page.readings);
    }
    expect(paged).toEqual(series);
    const newest = await history.page(box, { since: t0, until: t0 + 11 * 24 * HOUR, last: 3 });
    expect(newest).toEqual({ readings: series.slice(-3), more: true });
  });

  it('answers compliance for any window as the engine does over the whole series', async () => {
    const readCompliance = createComplianceReader({
      store,
      archive: fixture.archive,
      history: createHistory(store, fixture.archive),
    });
    const span = series.at(-1)!.at - t0;
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: -0.05, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1.05, noNaN: true }),
        async (start, length) => {
          const since = Math.round(t0 + start * span);
          const until = Math.min(Math.round(since + length * span), t0 + span + 2 * HOUR);
          if (until < since) return;
          const window = { since, until };
          const [got] = await readCompliance([{ entity: box, profile, window }]);
          expectSame(got!, compliance(series, profile, window));
        },
      ),
      { numRuns: 25 },
    );
    const whole = { since: t0, until: series.at(-1)!.at };
    const [all] = await readCompliance([{ entity: box, profile, window: whole }]);
    expect(all!.excursionCount).toBeGreaterThan(5);
    expect(all!.readings).toBe(series.length);
  });

  it('judges the hours again when the profile changes', async () => {
    const stricter = { ...profile, id: 'stricter', maxTempC: 6 };
    const readCompliance = createComplianceReader({
      store,
      archive: fixture.archive,
      history: createHistory(store, fixture.archive),
    });
    const window = { since: t0 + 24 * HOUR, until: t0 + 3 * 24 * HOUR };
    const [got] = await readCompliance([{ entity: box, profile: stricter, window }]);
    const want = compliance(series, stricter, window);
    // The time figures follow the profile asked about; the excursions stay the alert records, raised under the old one.
    expect(got!.inRangeMinutes).toBe(want.inRangeMinutes);
    expect(got!.outOfRangeMinutes).toBe(want.outOfRangeMinutes);
    expect(got!.readings).toBe(want.readings);
    const rows = await fixture.database.rows<{ profile: string; n: number }>(
      sql`select profile, count(*)::int as n from twin.hourly group by profile order by profile`,
    );
    expect(rows.map((r) => r.profile)).toContain('2|6|null|null|900');
  });

  it('keeps readings in monthly partitions, made on demand for an old event time', async () => {
    const old = { entityType: 'CONTAINER' as const, code: 'BOX-OLD' };
    const oldStore = createMemoryTwinStore({ prefix: uniqueName('archive_old') });
    const at = Date.UTC(2024, 1, 10, 12);
    await ingestInto(oldStore, catalogOf(profile, [old]))(old, [
      { at, receivedAt: at, temperatureC: 5, humidityPct: null },
    ]);
    await archiveAll(oldStore, fixture.archive, catalogOf(profile, [old]));
    await oldStore.close();
    const months = await partitionMonths(fixture.database);
    expect(months).toContain(Date.UTC(2024, 1, 1));
    expect(months).toContain(Date.UTC(2026, 5, 1));
    const [row] = await fixture.database.rows<{ partition: string }>(
      sql`select tableoid::regclass::text as partition from twin.readings where entity = 'container:BOX-OLD'`,
    );
    expect(row?.partition).toBe('twin.readings_y2024m02');
  });
});

describe('compliance while the archive is behind ingest', () => {
  let fixture: ArchiveFixture;
  let store: TwinStore;
  const box2: EntityRef = { entityType: 'CONTAINER', code: 'BOX-BEHIND' };
  const catalog2 = catalogOf(profile, [box2]);
  const start = Date.UTC(2026, 6, 1, 0, 3);
  const series: TwinReading[] = [];
  for (let m = 0; m < 30 * 60; m += 2) {
    const at = start + m * MINUTE;
    const warm = m % 600 >= 300 && m % 600 < 340;
    series.push({ at, receivedAt: at, temperatureC: warm ? 10 : 5, humidityPct: null });
  }

  beforeAll(async () => {
    fixture = await openTestArchive('twin_archive_behind');
    store = createMemoryTwinStore({ prefix: uniqueName('behind'), retention: { maxAgeMs: 48 * HOUR } });
    await ingestInto(store, catalog2)(box2, series);
    // An archiver that stopped after a third of the outbox: the rest is still waiting.
    const view = catalogView(catalog2);
    const part = await store.outbox.read('slow-archiver', Math.floor(series.length / 3));
    await fixture.archive.store(part, (entity) => view.profileOf(entity));
    await store.outbox.acknowledge(part.map((e) => e.handle));
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await fixture?.close();
  });

  it('answers from the hot window for the hours the archive has not caught up with, and lists the store’s ended excursions', async () => {
    expect((await store.outbox.lag()).unacknowledged).toBeGreaterThan(0);
    const end = series.at(-1)!.at;
    const readCompliance = createComplianceReader({
      store,
      archive: fixture.archive,
      history: createHistory(store, fixture.archive),
      now: () => end + MINUTE,
    });
    for (const window of [
      { since: start, until: end },
      { since: start + 7 * HOUR + 11 * MINUTE, until: end - 5 * MINUTE },
    ]) {
      const [got] = await readCompliance([{ entity: box2, profile, window }]);
      expectSame(got!, compliance(series, profile, window));
      expect(got!.excursionCount).toBeGreaterThan(1);
    }
  });
});
