import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AlertEvent,
  applyReading,
  compliance,
  foldAlertEvents,
  initialState,
  type MonitorState,
  REORDER_HORIZON,
  type Reading,
  type StorageProfile,
} from '../src/index.ts';

const MINUTE = 60_000;

const profile = fc.record({
  id: fc.constant('p'),
  name: fc.constant('Property profile'),
  kind: fc.constantFrom('REFRIGERATED' as const, 'FROZEN' as const),
  minTempC: fc.constant(2),
  maxTempC: fc.constant(8),
  minHumidityPct: fc.constantFrom(30, null),
  maxHumidityPct: fc.constantFrom(70, null),
  excursionDelaySeconds: fc.constantFrom(0, 300, 600),
  hysteresisC: fc.constantFrom(0, 0.5, 1),
  hysteresisPct: fc.constantFrom(0, 2),
  maxExcursionMinutes: fc.constantFrom(5, 30, 60),
  excursionBudgetMinutes: fc.constantFrom(10, 60),
  staleAfterSeconds: fc.constantFrom(300, 900),
}) satisfies fc.Arbitrary<StorageProfile>;

/** Readings on a minute grid with temperatures around the 2–8 °C band, some missing, unique event times. */
const batch = fc
  .uniqueArray(
    fc.record({
      at: fc.integer({ min: 0, max: 240 }).map((m) => m * MINUTE),
      temperatureC: fc.option(fc.constantFrom(-1, 1.8, 2, 2.4, 3, 5, 7.6, 7.9, 8, 8.3, 10), { freq: 8 }),
      humidityPct: fc.option(fc.constantFrom(25, 31, 50, 69, 71, 90), { freq: 8 }),
    }),
    { selector: (r) => r.at, minLength: 1, maxLength: REORDER_HORIZON },
  )
  .map((readings) => readings as Reading[]);

function applyAll(readings: readonly Reading[], p: StorageProfile) {
  let state: MonitorState = initialState();
  let raised = 0;
  const events: AlertEvent[] = [];
  for (const reading of readings) {
    const outcome = applyReading(state, reading, p);
    state = outcome.state;
    raised += outcome.events.filter((e) => e.transition === 'RAISED' && e.kind !== 'SENSOR_OFFLINE').length;
    events.push(...outcome.events);
  }
  const alerts = [...foldAlertEvents(events).values()].sort((a, b) => a.id.localeCompare(b.id));
  return { state, raised, alerts };
}

const sorted = (readings: readonly Reading[]) => [...readings].sort((a, b) => a.at - b.at);
const window = { since: 0, until: 250 * MINUTE };

describe('the engine does not care in which order readings arrive', () => {
  it('any permutation of a batch ends in the same state and compliance as the sorted batch', () => {
    fc.assert(
      fc.property(
        profile,
        batch.chain((b) => fc.tuple(fc.constant(b), fc.shuffledSubarray(b, { minLength: b.length }))),
        (p, [b, shuffled]) => {
          expect(applyAll(shuffled, p).state).toEqual(applyAll(sorted(b), p).state);
          expect(compliance(shuffled, p, window)).toEqual(compliance(sorted(b), p, window));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any permutation of a batch leaves the same alert records (ids, start, end, peak, severity, state) as the sorted batch', () => {
    fc.assert(
      fc.property(
        profile,
        batch.chain((b) => fc.tuple(fc.constant(b), fc.shuffledSubarray(b, { minLength: b.length }))),
        (p, [b, shuffled]) => {
          expect(applyAll(shuffled, p).alerts).toEqual(applyAll(sorted(b), p).alerts);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('replaying any reading a second time changes nothing', () => {
    fc.assert(
      fc.property(profile, batch, fc.nat(), (p, b, pick) => {
        const { state } = applyAll(b, p);
        const again = applyReading(state, b[pick % b.length]!, p);
        expect(again.accepted).toBe('duplicate');
        expect(again.events).toEqual([]);
        expect(again.state).toBe(state);
        expect(compliance([...b, b[pick % b.length]!], p, window)).toEqual(compliance(b, p, window));
      }),
      { numRuns: 300 },
    );
  });

  it('never raises more alerts than there are out-of-range runs', () => {
    fc.assert(
      fc.property(profile, batch, (p, b) => {
        const { raised } = applyAll(sorted(b), p);
        expect(raised).toBeLessThanOrEqual(outOfRangeRuns(sorted(b), p));
      }),
      { numRuns: 300 },
    );
  });
});

/** Counts maximal stretches of consecutive readings beyond a limit, per kind, ignoring missing values. */
function outOfRangeRuns(readings: readonly Reading[], p: StorageProfile): number {
  const beyond: [(r: Reading) => boolean | null][] = [
    [(r) => (r.temperatureC === null ? null : p.maxTempC !== null && r.temperatureC > p.maxTempC)],
    [(r) => (r.temperatureC === null ? null : p.minTempC !== null && r.temperatureC < p.minTempC)],
    [(r) => (r.humidityPct === null ? null : p.maxHumidityPct !== null && r.humidityPct > p.maxHumidityPct)],
    [(r) => (r.humidityPct === null ? null : p.minHumidityPct !== null && r.humidityPct < p.minHumidityPct)],
  ];
  let runs = 0;
  for (const [isBeyond] of beyond) {
    let inRun = false;
    for (const r of readings) {
      const out = isBeyond(r);
      if (out === null) continue;
      if (out && !inRun) runs++;
      inRun = out;
    }
  }
  return runs;
}
