import { compliance, foldAlertEvents, type Reading } from '@bst/coldchain';
import { memoryMonitor, refrigeratedProfile } from '@bst/coldchain/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityKey, storedAlertId } from '../../src/store/index.ts';
import { type ArchivePipeline, containerRef, startArchivePipeline } from '../support/archivePipeline.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const every = 10 * MINUTE;
const profile = refrigeratedProfile({
  id: 'month-fridge',
  excursionDelaySeconds: 0,
  maxExcursionMinutes: 90,
  excursionBudgetMinutes: 120,
  staleAfterSeconds: 1800,
});
const end = Math.floor((Date.now() - DAY) / every) * every;
const start = end - 30 * DAY;

/** Thirty days a reading every ten minutes; too warm from `hot` starts for their minutes; silent in `gaps`. */
function month(hot: [day: number, minutes: number][], gaps: [day: number, hours: number][] = []): Reading[] {
  const readings: Reading[] = [];
  for (let at = start; at <= end; at += every) {
    const warm = hot.some(([day, minutes]) => at >= start + day * DAY && at < start + day * DAY + minutes * MINUTE);
    const silent = gaps.some(([day, hours]) => at > start + day * DAY && at < start + day * DAY + hours * 3600_000);
    if (!silent) readings.push({ at, temperatureC: warm ? 10 : 4.5 + ((at / every) % 5) / 2, humidityPct: null });
  }
  return readings;
}

/**
 * Issue 8, acceptance 1 and 2 at CI scale: two containers, 30 days at one reading per 10 minutes over real MQTT
 * (the full 20 containers at one a minute is `npm run bench -- archive30d`).
 */
describe('thirty days over real MQTT into the archive', () => {
  let pipeline: ArchivePipeline;
  const series = new Map<string, Reading[]>([
    // 60 min on day 1, 40 on day 10, 40 on day 29: the budget of 120 is exhausted 30 minutes into day 29's.
    [
      'BOX-MONTH-A',
      month([
        [1, 60],
        [10, 40],
        [29, 40],
      ]),
    ],
    [
      'BOX-MONTH-B',
      month(
        [
          [3, 20],
          [15, 50],
        ],
        [[20, 3]],
      ),
    ],
  ]);

  beforeAll(async () => {
    pipeline = await startArchivePipeline({ label: 'archive_month', profile, codes: [...series.keys()] });
    await pipeline.publish(series);
    await pipeline.drained();
  }, 300_000);
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('holds every reading exactly once: archive = accepted', async () => {
    const total = [...series.values()].reduce((n, s) => n + s.length, 0);
    expect((await pipeline.store.ingestStats()).accepted).toBe(total);
    expect((await pipeline.archive.counts()).readings).toBe(total);
    for (const [code, readings] of series) {
      const archived = await pipeline.archive.readingsIn([{ entity: `container:${code}`, from: start, to: end }]);
      expect(archived.get(`container:${code}`)?.map((r) => r.at)).toEqual(readings.map((r) => r.at));
    }
  });

  it('answers compliance since 30 days ago as the engine does over the full series, though Redis holds three days', async () => {
    const window = { since: start, until: end };
    for (const [code, readings] of series) {
      expect((await pipeline.store.readings(containerRef(code), { until: end - 4 * DAY })).length).toBe(0);
      const [got] = await pipeline.readCompliance([{ entity: containerRef(code), profile, window }]);
      const want = compliance(readings, profile, window);
      expect(got).toMatchObject({
        readings: want.readings,
        timeInRangePct: want.timeInRangePct,
        unknownMinutes: want.unknownMinutes,
        excursionMinutes: want.excursionMinutes,
        excursionCount: want.excursionCount,
        budgetUsedMinutes: want.budgetUsedMinutes,
        excursions: want.excursions,
      });
      expect(Math.abs(got!.mktC! - want.mktC!)).toBeLessThanOrEqual(0.01);
    }
  });

  it('still counts a day-one excursion in the budget on day 30, and escalates at the reading that exhausts it', async () => {
    const [figures] = await pipeline.readCompliance([
      { entity: containerRef('BOX-MONTH-A'), profile, window: { since: start, until: end } },
    ]);
    expect(figures?.budgetUsedMinutes).toBe(140);
    expect(figures?.budgetRemainingMinutes).toBe(0);
    const box = containerRef('BOX-MONTH-A');
    const third = await pipeline.store.alertEvents(storedAlertId(box, 'TEMPERATURE_HIGH:3'));
    const escalated = third.find((e) => e.transition === 'ESCALATED');
    // 60 + 40 minutes spent before; 30 minutes into the third makes 130 > 120, at that reading.
    expect(escalated?.at).toBe(start + 29 * DAY + 30 * MINUTE);
    expect(escalated?.severity).toBe('CRITICAL');
    // The records equal the engine's over the sorted series, and the archive's equal the store's.
    const engine = memoryMonitor(profile);
    for (const r of series.get('BOX-MONTH-A')!) engine.reading(r);
    const expected = [...foldAlertEvents(engine.events).values()].map((a) => ({
      id: `${entityKey(box)}:${a.id}`,
      severity: a.severity,
      startedAt: a.startedAt,
      endedAt: a.endedAt,
    }));
    const archived = await pipeline.archive.alertRecords(entityKey(box), start, end);
    expect(archived.map(({ id, severity, startedAt, endedAt }) => ({ id, severity, startedAt, endedAt }))).toEqual(
      expected.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id)),
    );
  });
});
