import { describe, expect, it } from 'vitest';
import {
  activeFaults,
  backfillEmissions,
  demoFleet,
  demoScenario,
  emissionsAtTick,
  maxBatchReadings,
  type Plan,
  type TelemetryPayload,
} from '../src/index.ts';

const originMs = Date.parse('2025-10-13T10:00:00Z');
const plan: Plan = { fleet: demoFleet, scenario: demoScenario, originMs, intervalMs: 5000 };
const minute = 60_000;
// The seeded profiles' tuning (core's defaults): 5 min out of range before an excursion, 15 min of silence before offline.
const excursionDelayMs = 300_000;
const staleAfterMs = 900_000;

/** Back-filled history and the first `liveMinutes` of live readings of one sensor, in event-time order. */
function series(code: string, liveMinutes: number): { atMs: number; temperature: number }[] {
  const history = backfillEmissions(plan, { hours: 24 }).filter((emission) => emission.topic.endsWith(`/${code}`));
  const live = Array.from({ length: (liveMinutes * minute) / plan.intervalMs }, (_, tick) =>
    emissionsAtTick(plan, tick).filter((emission) => emission.topic.endsWith(`/${code}`)),
  ).flat();
  return [...history, ...live]
    .flatMap((emission) => emission.payload as TelemetryPayload | TelemetryPayload[])
    .map((payload) => ({ atMs: Date.parse(payload.timestamp), temperature: payload.temperature }))
    .sort((a, b) => a.atMs - b.atMs);
}

describe('the demo tells its story at once, through the product’s own delays', () => {
  it('back-fills 24 h for every sensor, oldest first, in batches the bridge accepts, without live sequence numbers', () => {
    const emissions = backfillEmissions(plan, { hours: 24 });
    for (const sensor of demoFleet) {
      const readings = emissions
        .filter((emission) => emission.topic === `bio_supply/telemetry/box/${sensor.code}`)
        .flatMap((emission) => emission.payload as TelemetryPayload[]);
      const times = readings.map((reading) => Date.parse(reading.timestamp));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(Math.min(...times)).toBe(originMs - 24 * 60 * minute);
      expect(Math.max(...times)).toBeLessThan(originMs);
      expect(readings.every((reading) => reading.seq === undefined)).toBe(true);
    }
    for (const emission of emissions) {
      expect(Array.isArray(emission.payload)).toBe(true);
      expect((emission.payload as TelemetryPayload[]).length).toBeLessThanOrEqual(maxBatchReadings);
      expect(Buffer.byteLength(JSON.stringify(emission.payload))).toBeLessThan(64 * 1024);
    }
  });

  it('BOX-0002 has been out of its 2–8 °C range since before the start, long enough for an excursion within 60 s', () => {
    const readings = series('BOX-0002', 2);
    const upToOneMinute = readings.filter((reading) => reading.atMs <= originMs + minute);
    let runStart: number | null = null;
    for (const reading of upToOneMinute) {
      if (reading.temperature > 8) runStart ??= reading.atMs;
      else runStart = null;
    }
    expect(runStart).not.toBeNull();
    expect(runStart!).toBeLessThan(originMs);
    expect(runStart! + excursionDelayMs).toBeLessThanOrEqual(originMs + minute);
    // Not raised by history alone: the alert arrives live, after the page is open.
    expect(runStart! + excursionDelayMs).toBeGreaterThan(originMs);
  });

  it('FRG-LON-01 went silent in the history and stays silent long enough for SENSOR_OFFLINE within 3 minutes', () => {
    const readings = series('FRG-LON-01', 4);
    const last = readings.filter((reading) => reading.atMs < originMs).at(-1)!;
    expect(last.atMs + staleAfterMs).toBeGreaterThan(originMs);
    expect(last.atMs + staleAfterMs).toBeLessThanOrEqual(originMs + 3 * minute);
    expect(readings.some((reading) => reading.atMs > last.atMs && reading.atMs <= originMs + 4 * minute)).toBe(false);
  });

  it('the opening faults happen once; the rhythm repeats, in the history as later', () => {
    const opening = demoScenario.faults.filter((fault) => 'everyMinutes' in fault && fault.everyMinutes === null);
    expect(opening.map((fault) => fault.code).sort()).toEqual(['BOX-0002', 'FRG-LON-01']);
    const oneDayLater = 24 * 60 * minute;
    expect(activeFaults(demoScenario, 'BOX-0002', 0).map((fault) => fault.kind)).toEqual(['door-open']);
    expect(activeFaults(demoScenario, 'BOX-0002', oneDayLater)).toEqual([]);
    expect(activeFaults(demoScenario, 'BOX-0002', -oneDayLater)).toEqual([]);
    // The freezer fails every 8 h: before the start in the history too.
    const freezerAt = (elapsedMs: number) =>
      activeFaults(demoScenario, 'FRZ-BER-01', elapsedMs).some((fault) => fault.kind === 'freezer-failure');
    expect(freezerAt(50 * minute)).toBe(true);
    expect(freezerAt(50 * minute - 8 * 60 * minute)).toBe(true);
    expect(freezerAt(50 * minute - 4 * 60 * minute)).toBe(false);
  });
});
