import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryMonitor } from '../src/fixtures/index.ts';
import {
  type Alert,
  type AlertEvent,
  compliance,
  foldAlertEvents,
  REORDER_HORIZON,
  type Reading,
  type StorageProfile,
} from '../src/index.ts';
import { profile, series } from './support/arbitraries.ts';

const MINUTE = 60_000;

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
