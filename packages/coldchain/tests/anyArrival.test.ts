import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Alert,
  type AlertEvent,
  compliance,
  foldAlertEvents,
  REORDER_HORIZON,
  type Reading,
  type StorageProfile,
} from '../src/index.ts';
import { memoryMonitor } from './support/memoryMonitor.ts';

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
  excursionBudgetMinutes: fc.constantFrom(10, 60, 240),
  staleAfterSeconds: fc.constantFrom(300, 900),
}) satisfies fc.Arbitrary<StorageProfile>;

/** Stretches of a sensor's life: in range, too warm, too cold, inside the hysteresis band, humid, values missing, silent. */
const stretch = fc.record({
  shape: fc.constantFrom('in', 'in', 'in', 'hot', 'cold', 'band', 'humid', 'missing', 'silence'),
  readings: fc.integer({ min: 1, max: 40 }),
  everySeconds: fc.constantFrom(30, 60, 120, 300, 420),
  silenceMinutes: fc.integer({ min: 4, max: 240 }),
  jitter: fc.integer({ min: 0, max: 1000 }),
});

const values: Record<string, { t: (number | null)[]; h: (number | null)[] }> = {
  in: { t: [3, 4.5, 5, 6.8], h: [45, 50, 55] },
  hot: { t: [8.3, 9, 10.5, 12], h: [50] },
  cold: { t: [-1, 1, 1.8], h: [50] },
  band: { t: [7.6, 7.9, 8], h: [50, 69] },
  humid: { t: [5], h: [25, 71, 90] },
  missing: { t: [null, 5], h: [null, 50] },
};

/** A sorted series with unique event times, built from stretches; silences are gaps between readings. */
function seriesOf(stretches: readonly StretchShape[]): Reading[] {
  const readings: Reading[] = [];
  let at = 0;
  let n = 0;
  for (const s of stretches) {
    if (s.shape === 'silence') {
      at += s.silenceMinutes * MINUTE;
      continue;
    }
    const v = values[s.shape]!;
    for (let i = 0; i < s.readings; i++) {
      at += s.everySeconds * 1000 + ((s.jitter * (i + 1)) % 997);
      n++;
      readings.push({ at, temperatureC: v.t[n % v.t.length]!, humidityPct: v.h[n % v.h.length]! });
    }
  }
  return readings;
}
type StretchShape = { shape: string; readings: number; everySeconds: number; silenceMinutes: number; jitter: number };

const series = (min: number, max: number) =>
  fc
    .array(stretch, { minLength: min, maxLength: max })
    .map((stretches) => seriesOf(stretches))
    .filter((readings) => readings.length > 0);

/**
 * How the readings arrive: batches (contiguous in event time, or scattered), in any order, some twice, each batch
 * delivered at a wall-clock time no earlier than its newest reading, with ticks in between.
 */
interface Delivery {
  batches: Reading[][];
  /** Wall-clock delay of each batch after the newest reading delivered so far, in ms. */
  delays: number[];
  /** Ticks before each batch, as offsets after the previous wall-clock time. */
  ticks: number[][];
}

function delivery(readings: readonly Reading[], scattered: boolean): fc.Arbitrary<Delivery> {
  const n = readings.length;
  const order = scattered
    ? fc.shuffledSubarray([...readings.keys()], { minLength: n, maxLength: n })
    : fc
        .array(fc.tuple(fc.nat(n), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 1500 })), {
          maxLength: 4,
        })
        .map((moves) => moveStretches(n, moves));
  return fc
    .record({
      order,
      cuts: fc.array(fc.nat(n), { maxLength: 30 }),
      twice: fc.array(fc.nat(n), { maxLength: 5 }),
      delays: fc.array(fc.constantFrom(0, 1000, 5 * MINUTE, 20 * MINUTE, 6 * 60 * MINUTE), {
        minLength: 32,
        maxLength: 32,
      }),
      ticks: fc.array(fc.array(fc.integer({ min: 0, max: 30 * MINUTE }), { maxLength: 3 }), {
        minLength: 32,
        maxLength: 32,
      }),
    })
    .map(({ order, cuts, twice, delays, ticks }) => {
      const arriving = [...order.map((i) => readings[i]!), ...twice.filter((i) => i < n).map((i) => readings[i]!)];
      const bounds = [...new Set([0, ...cuts.filter((c) => c < arriving.length), arriving.length])].sort(
        (a, b) => a - b,
      );
      const batches = bounds.slice(1).map((end, i) => arriving.slice(bounds[i], end));
      return { batches, delays, ticks };
    });
}

/** Sorted order, except that stretches (start, length) are taken out and delivered `later` readings later. */
function moveStretches(n: number, moves: [number, number, number][]): number[] {
  let order = [...Array(n).keys()];
  for (const [start, length, later] of moves) {
    const taken = order.slice(start, start + length);
    const rest = [...order.slice(0, start), ...order.slice(start + length)];
    const at = Math.min(rest.length, start + later);
    order = [...rest.slice(0, at), ...taken, ...rest.slice(at)];
  }
  return order;
}

function deliver(p: StorageProfile, { batches, delays, ticks }: Delivery) {
  const monitor = memoryMonitor(p);
  let wall = Number.NEGATIVE_INFINITY;
  let newest = Number.NEGATIVE_INFINITY;
  let clock: number | null = null;
  batches.forEach((batch, i) => {
    for (const offset of ticks[i % ticks.length]!) {
      if (wall === Number.NEGATIVE_INFINITY) break;
      wall += offset;
      monitor.tick(wall);
      clock = wall;
    }
    for (const r of batch) newest = Math.max(newest, r.at);
    wall = Math.max(wall, newest + delays[i % delays.length]!);
    for (const r of batch) monitor.reading(r);
  });
  return { monitor, clock: clock as number | null };
}

function inOrder(p: StorageProfile, readings: readonly Reading[], clock: number | null) {
  const monitor = memoryMonitor(p);
  for (const r of readings) monitor.reading(r);
  if (clock !== null) monitor.tick(clock);
  return monitor;
}

const records = (events: readonly AlertEvent[]): Alert[] =>
  [...foldAlertEvents(events).values()].sort((a, b) => a.id.localeCompare(b.id));

/** The records' excursions, as compliance lists them. */
function excursionsOfRecords(alerts: readonly Alert[]) {
  return alerts
    .filter((a) => a.kind !== 'SENSOR_OFFLINE')
    .map((a) => ({
      kind: a.kind,
      startedAt: a.startedAt,
      endedAt: a.endedAt,
      peak: a.endedAt === null ? null : a.peakValue,
    }))
    .sort((a, b) => a.startedAt - b.startedAt || a.kind.localeCompare(b.kind));
}

/** Independently of the engine: a SENSOR_OFFLINE for every gap longer than staleAfterSeconds, named by its start. */
function offlineRecordsOf(readings: readonly Reading[], p: StorageProfile, clock: number | null) {
  const staleMs = p.staleAfterSeconds * 1000;
  const gaps: { id: string; startedAt: number; endedAt: number | null }[] = [];
  readings.forEach((r, i) => {
    const next = readings[i + 1]?.at ?? (clock !== null && clock - r.at > staleMs ? null : undefined);
    if (next === undefined || (next !== null && next - r.at <= staleMs)) return;
    gaps.push({ id: `SENSOR_OFFLINE:${r.at + staleMs}`, startedAt: r.at + staleMs, endedAt: next });
  });
  return gaps;
}

function check(p: StorageProfile, sorted: readonly Reading[], plan: Delivery) {
  const { monitor, clock } = deliver(p, plan);
  const reference = inOrder(p, sorted, clock);
  const got = records(monitor.events);
  expect(got).toEqual(records(reference.events));
  // The whole state too (base, horizon of at most REORDER_HORIZON readings, live, open SENSOR_OFFLINE, clock).
  expect(monitor.state).toEqual(reference.state);
  expect(JSON.stringify(monitor.state).length).toBeLessThan(4096);
  expect(
    got.filter((a) => a.kind === 'SENSOR_OFFLINE').map(({ id, startedAt, endedAt }) => ({ id, startedAt, endedAt })),
  ).toEqual(offlineRecordsOf(sorted, p, clock).sort((a, b) => a.id.localeCompare(b.id)));
  const window = { since: 0, until: sorted.at(-1)!.at + p.staleAfterSeconds * 1000 };
  const figures = compliance(sorted, p, window);
  expect(
    figures.excursions
      .map((e) => ({
        kind: e.kind,
        startedAt: e.startedAt,
        endedAt: e.endedAt,
        peak: e.endedAt === null ? null : e.peakValue,
      }))
      .sort((a, b) => a.startedAt - b.startedAt || a.kind.localeCompare(b.kind)),
  ).toEqual(excursionsOfRecords(got));
  return monitor;
}

describe('the alert records are a function of the readings event times alone', () => {
  it('the scheduler (ticks at any pace) and the event-time rule give the same SENSOR_OFFLINE and excursion records', () => {
    fc.assert(
      fc.property(
        profile,
        series(1, 30).chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.array(fc.array(fc.integer({ min: 0, max: 40 * MINUTE }), { maxLength: 4 }), {
              minLength: s.length,
              maxLength: s.length,
            }),
          ),
        ),
        (p, [sorted, ticks]) => {
          // Each reading arrives when it is taken; the scheduler ticks at any times in between.
          const plan = { batches: sorted.map((r) => [r]), delays: [0], ticks };
          const { monitor, clock } = deliver(p, plan);
          expect(records(monitor.events)).toEqual(records(inOrder(p, sorted, clock).events));
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);

  it('any permutation and any split into batches, at any pace with ticks, leaves the records of the sorted series', () => {
    fc.assert(
      fc.property(
        profile,
        series(1, 12).chain((s) => fc.tuple(fc.constant(s), delivery(s, true))),
        (p, [sorted, plan]) => {
          check(p, sorted, plan);
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);

  it(`stretches delivered far later than ${REORDER_HORIZON} readings are replayed from the stored series to the same records`, () => {
    fc.assert(
      fc.property(
        profile,
        series(60, 200).chain((s) => fc.tuple(fc.constant(s), delivery(s, false))),
        (p, [sorted, plan]) => {
          check(p, sorted, plan);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
