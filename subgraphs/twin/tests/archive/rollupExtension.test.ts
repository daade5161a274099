import { hourOf } from '@bst/coldchain';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { createTestDatabase, type TestDatabase } from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArchiveDatabase, ArchiveRepository, openArchiveDatabase } from '../../src/archive/index.ts';
import type { EntityRef, OutboxEntry, TwinReading } from '../../src/store/index.ts';
import { HOUR } from './support.ts';

const box: EntityRef = { entityType: 'CONTAINER', code: 'BOX-DENSE' };
const entity = 'container:BOX-DENSE';
const other: EntityRef = { entityType: 'CONTAINER', code: 'BOX-DENSE-2' };
const profile = refrigeratedProfile({ id: 'dense-fridge', staleAfterSeconds: 900 });
const t0 = Date.UTC(2026, 5, 1, 0, 50);

/** Two hours at one reading every two seconds (fractional temperatures, a warm spell, a missing value, a silence). */
function denseSeries(): TwinReading[] {
  const readings: TwinReading[] = [];
  for (let n = 0; n < 3600; n++) {
    const at = t0 + n * 2000;
    if (n >= 1500 && n < 2100) continue;
    const temperatureC = n % 313 === 7 ? null : n % 600 < 90 ? 8.1 + (n % 13) / 7 : 4 + ((n * 7) % 31) / 9;
    readings.push({ at, receivedAt: at + 20, temperatureC, humidityPct: null });
  }
  return readings;
}

const entries = (readings: readonly TwinReading[], from = 0, boxes = [box]): OutboxEntry[] =>
  readings.flatMap((reading, i) =>
    boxes.map((entity, b): OutboxEntry => ({ handle: `${b}-${from + i}`, kind: 'reading', entity, reading })),
  );
const readingQueries = (statements: readonly string[]) => statements.filter((s) => /join twin\.readings/.test(s));

describe('hourly rollups extended batch after batch', () => {
  let test: TestDatabase;
  let database: ArchiveDatabase;
  let archive: ArchiveRepository;
  const statements: string[] = [];
  const series = denseSeries();

  beforeAll(async () => {
    test = await createTestDatabase('twin_rollup_extension');
    database = await openArchiveDatabase({ url: test.url, max: 2, onQuery: (query) => statements.push(query) });
    // A small read chunk: recomputing one hour of one box (~1,800 readings here) is a query of its own.
    archive = new ArchiveRepository(database, { retentionMs: 10 * 365.25 * 24 * HOUR, rollupReadChunk: 1000 });
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await test?.drop();
  });

  it('equal, to the bit, the rollups recomputed from every archived reading (late and redelivered ones included)', async () => {
    const late = series.splice(2000, 1);
    const both = [box, other];
    for (let i = 0; i < series.length; i += 40) {
      await archive.store(entries(series.slice(i, i + 40), i, both), () => profile);
      // A reading that arrives late for both boxes, behind what its hour already holds: each box's hour is read again,
      // in a query of its own (the read chunk).
      if (i === 2400) {
        statements.length = 0;
        await archive.store(entries(late, 90_000, both), () => profile);
        expect(readingQueries(statements)).toHaveLength(2);
      }
      // A batch delivered twice.
      if (i === 2800) await archive.store(entries(series.slice(i - 40, i + 40), 80_000, both), () => profile);
    }
    series.push(...late);
    expect((await archive.counts()).readings).toBe(2 * series.length);
    const hours = [...new Set(series.map((r) => hourOf(r.at)))];
    hours.push(hours.at(-1)! + HOUR);
    for (const key of [entity, 'container:BOX-DENSE-2']) {
      const extended = (await archive.rollups([key], hours[0]!, hours.at(-1)! + HOUR)).get(key)!;
      expect(extended.map((r) => r.hour)).toEqual(hours);
      expect(extended).toStrictEqual(await archive.repairRollups(key, hours, profile));
    }
  });

  it('equal a full recomputation after the profile changes and changes back while late readings arrive', async () => {
    const flipping: EntityRef = { entityType: 'CONTAINER', code: 'BOX-FLIP' };
    const key = 'container:BOX-FLIP';
    // Another range, another delay and another stale time: every rollup figure it judges differs.
    const tighter = refrigeratedProfile({ id: 'dense-fridge', maxTempC: 6, staleAfterSeconds: 600 });
    const all = denseSeries().slice(0, 2400);
    // Readings held back, then archived behind what their hour already holds: 01:01:40 while the other profile is in
    // force (its hour is recomputed under that one), 02:05:00 after the profile is back (recomputed under the first).
    const heldBack = (n: number) => all.filter((r) => r.at === t0 + n * 2000);
    const lateDuringB = heldBack(350);
    const lateAfter = heldBack(2250);
    const flips = all.filter((r) => !lateDuringB.includes(r) && !lateAfter.includes(r));
    // Batches 10–15 (01:03:20–01:11:20) are judged by the other profile; from batch 16 on the hour 01:00 is only extended
    // in order, so only its profile check can make it recompute the hour under the first profile again.
    const profileAt = (batch: number) => (batch >= 10 && batch < 16 ? tighter : profile);
    for (let i = 0, batch = 0; i < flips.length; i += 40, batch++) {
      const judge = profileAt(batch);
      await archive.store(entries(flips.slice(i, i + 40), i, [flipping]), () => judge);
      if (batch === 12) await archive.store(entries(lateDuringB, 50_000, [flipping]), () => tighter);
    }
    await archive.store(entries(lateAfter, 60_000, [flipping]), () => profile);
    const hours = [...new Set(all.map((r) => hourOf(r.at)))].sort((a, b) => a - b);
    const stored = (await archive.rollups([key], hours[0]!, hours.at(-1)! + HOUR)).get(key)!;
    expect(stored.map((r) => r.hour)).toEqual(hours);
    expect(stored).toStrictEqual(await archive.repairRollups(key, hours, profile));
  });

  it('reads none of the hour’s archived readings for a batch that only extends it', async () => {
    const next = Math.max(...series.map((r) => r.at)) + HOUR;
    const reading = (d: number, temperatureC: number) => ({
      at: next + d,
      receivedAt: next + d,
      temperatureC,
      humidityPct: null,
    });
    statements.length = 0;
    // The hour after it has no rollup yet: computed from the readings.
    await archive.store(entries([reading(0, 5), reading(2000, 5.2)], 100_000), () => profile);
    expect(readingQueries(statements)).not.toHaveLength(0);
    statements.length = 0;
    await archive.store(entries([reading(4000, 5.5), reading(6000, 9.1)], 100_010), () => profile);
    expect(readingQueries(statements)).toHaveLength(0);
    const hours = [hourOf(next), hourOf(next) + HOUR];
    const extended = (await archive.rollups([entity], hours[0]!, hours[1]! + HOUR)).get(entity)!;
    expect(extended.map((r) => r.hour)).toEqual(hours);
    expect(extended).toStrictEqual(await archive.repairRollups(entity, hours, profile));
  });
});
