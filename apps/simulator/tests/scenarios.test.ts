import { describe, expect, it } from 'vitest';
import {
  demoFleet,
  demoScenario,
  emissionsAtTick,
  type Plan,
  readingAt,
  type Scenario,
  steadyScenario,
  type TelemetryPayload,
  type VirtualSensor,
} from '../src/index.ts';

const originMs = Date.parse('2025-10-13T10:00:00Z');
const intervalMs = 5000;
const ticksPerMinute = 60_000 / intervalMs;

const fridge: VirtualSensor = {
  code: 'BOX-TEST',
  entity: 'box',
  profile: 'Refrigerated',
  placement: { kind: 'site', city: 'Berlin', status: 'idle' },
  thermal: { setpointC: 5, swingC: 1.5, minC: 2, maxC: 8, ambientC: 21 },
  humidity: { setpointPct: 50, swingPct: 8 },
};

function plan(scenario: Scenario, fleet: readonly VirtualSensor[] = [fridge]): Plan {
  return { fleet, scenario, originMs, intervalMs };
}

const ticks = (fromMinute: number, toMinute: number) =>
  Array.from({ length: (toMinute - fromMinute) * ticksPerMinute }, (_, i) => fromMinute * ticksPerMinute + i);

function payloads(p: Plan, tick: number): TelemetryPayload[] {
  return emissionsAtTick(p, tick).flatMap((emission) => emission.payload);
}

describe('scenarios', () => {
  it('a door-open fault reads above the range for its whole duration, and in range before and after', () => {
    const p = plan({
      name: 'door',
      cycleMinutes: 60,
      faults: [{ kind: 'door-open', code: 'BOX-TEST', fromMinute: 2, forMinutes: 1.5, peakAboveMaxC: 6 }],
    });
    const during = ticks(2, 3.5).map((tick) => readingAt(p, fridge, tick)!.temperatureC);
    expect(during).toHaveLength(18);
    for (const temperature of during) expect(temperature).toBeGreaterThan(8);
    expect(Math.max(...during)).toBeGreaterThan(13);
    for (const tick of [...ticks(0, 2), ...ticks(4, 10)]) {
      const temperature = readingAt(p, fridge, tick)!.temperatureC;
      expect(temperature).toBeGreaterThanOrEqual(2);
      expect(temperature).toBeLessThanOrEqual(8);
    }
  });

  it('a silent sensor publishes nothing for the window, then resumes with the sequence it would have had', () => {
    const p = plan({
      name: 'silence',
      cycleMinutes: 60,
      faults: [{ kind: 'silence', code: 'BOX-TEST', fromMinute: 1, forMinutes: 5 }],
    });
    for (const tick of ticks(1, 6)) expect(emissionsAtTick(p, tick)).toEqual([]);
    expect(payloads(p, 6 * ticksPerMinute - 1)).toEqual([]);
    const resumed = payloads(p, 6 * ticksPerMinute);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.seq).toBe(6 * ticksPerMinute + 1);
  });

  it('a freezer failure climbs out of the range and stays out: a long excursion', () => {
    const freezer: VirtualSensor = {
      ...fridge,
      code: 'FRZ-TEST',
      thermal: { setpointC: -20, swingC: 1.5, minC: -25, maxC: -15, ambientC: 21 },
      humidity: null,
    };
    const p = plan(
      {
        name: 'failure',
        cycleMinutes: 60,
        faults: [{ kind: 'freezer-failure', code: 'FRZ-TEST', fromMinute: 0, forMinutes: 30, riseCPerMinute: 1.2 }],
      },
      [freezer],
    );
    const outside = ticks(0, 30).filter((tick) => readingAt(p, freezer, tick)!.temperatureC > -15);
    expect(outside.length).toBeGreaterThanOrEqual(24 * ticksPerMinute);
    for (const tick of ticks(0, 30)) expect(readingAt(p, freezer, tick)!.temperatureC).toBeLessThanOrEqual(21);
    expect(readingAt(p, freezer, 31 * ticksPerMinute)!.temperatureC).toBeLessThan(-15);
  });

  it('a late batch withholds readings, then uploads them as one JSON array with their own timestamps, oldest first', () => {
    const p = plan({
      name: 'late',
      cycleMinutes: 60,
      faults: [{ kind: 'late-batch', code: 'BOX-TEST', fromMinute: 1, forMinutes: 2 }],
    });
    for (const tick of ticks(1, 3)) expect(emissionsAtTick(p, tick)).toEqual([]);
    const [batch, current] = emissionsAtTick(p, 3 * ticksPerMinute);
    expect(Array.isArray(batch!.payload)).toBe(true);
    const withheld = batch!.payload as TelemetryPayload[];
    expect(withheld).toHaveLength(2 * ticksPerMinute);
    expect(withheld[0]!.timestamp).toBe('2025-10-13T10:01:00.000Z');
    expect(withheld.at(-1)!.timestamp).toBe('2025-10-13T10:02:55.000Z');
    expect(withheld.map((reading) => reading.seq)).toEqual(ticks(1, 3).map((tick) => tick + 1));
    expect(current!.payload).toMatchObject({ timestamp: '2025-10-13T10:03:00.000Z' });
  });

  it('a long late batch is uploaded in chunks of at most 100 readings, oldest first', () => {
    const fast: Plan = {
      ...plan({
        name: 'late',
        cycleMinutes: 60,
        faults: [{ kind: 'late-batch', code: 'BOX-TEST', fromMinute: 0, forMinutes: 1 }],
      }),
      intervalMs: 250,
    };
    const chunks = emissionsAtTick(fast, 240).slice(0, -1);
    expect(chunks.map((chunk) => (chunk.payload as TelemetryPayload[]).length)).toEqual([100, 100, 40]);
    expect(chunks.flatMap((chunk) => (chunk.payload as TelemetryPayload[]).map((reading) => reading.seq))).toEqual(
      Array.from({ length: 240 }, (_, i) => i + 1),
    );
  });

  it('duplicates publish the very same reading twice, so de-duplication has something to do', () => {
    const p = plan({ name: 'dup', cycleMinutes: 60, faults: [{ kind: 'duplicates', code: 'BOX-TEST', every: 3 }] });
    const emissions = emissionsAtTick(p, 2);
    expect(emissions).toHaveLength(2);
    expect(emissions[1]).toEqual(emissions[0]);
    expect(emissionsAtTick(p, 3)).toHaveLength(1);
  });

  it('the steady scenario keeps every sensor of the demo fleet inside its range for two hours', () => {
    const p = plan(steadyScenario, demoFleet);
    for (const sensor of demoFleet) {
      for (const tick of ticks(0, 120)) {
        const { temperatureC, humidityPct } = readingAt(p, sensor, tick)!;
        expect(temperatureC).toBeLessThanOrEqual(sensor.thermal.maxC);
        if (sensor.thermal.minC !== null) expect(temperatureC).toBeGreaterThanOrEqual(sensor.thermal.minC);
        if (humidityPct !== null) expect(humidityPct).toBeGreaterThanOrEqual(30);
        if (humidityPct !== null) expect(humidityPct).toBeLessThanOrEqual(70);
      }
    }
  });

  it('BOX-0001 leaves Berlin in transit along the great circle and announces arrival on the updates topic', () => {
    const box = demoFleet.find((sensor) => sensor.code === 'BOX-0001')!;
    const p = plan(steadyScenario, [box]);
    const [start] = emissionsAtTick(p, 0);
    expect(start).toEqual({
      topic: 'bio_supply/telemetry/box/BOX-0001',
      payload: expect.objectContaining({ geolocation: '52.5200,13.4050', status: 'in_transit', seq: 1 }),
    });
    const midway = payloads(p, 6 * ticksPerMinute)[0]!;
    const [lat, lng] = midway.geolocation.split(',').map(Number);
    expect(lat).toBeGreaterThan(48.86);
    expect(lat).toBeLessThan(52.52);
    expect(lng).toBeGreaterThan(2.35);
    expect(lng).toBeLessThan(13.41);
    const [arrival] = emissionsAtTick(p, 12 * ticksPerMinute);
    expect(arrival!.topic).toBe('bio_supply/updates/box/BOX-0001');
    expect(arrival!.payload).toMatchObject({ geolocation: '48.8566,2.3522', status: 'idle' });
    expect(emissionsAtTick(p, 12 * ticksPerMinute + 1)[0]!.topic).toBe('bio_supply/telemetry/box/BOX-0001');
  });

  it('every fault of the demo scenario strikes a sensor of the demo fleet, and every fault kind is there', () => {
    const codes = new Set(demoFleet.map((sensor) => sensor.code));
    for (const fault of demoScenario.faults) expect(codes).toContain(fault.code);
    expect(new Set(demoScenario.faults.map((fault) => fault.kind))).toEqual(
      new Set(['door-open', 'freezer-failure', 'silence', 'late-batch', 'duplicates']),
    );
  });

  it('is clock-free: the same plan and tick always give the same messages', () => {
    const p = plan(steadyScenario, demoFleet);
    expect(emissionsAtTick(p, 137)).toEqual(emissionsAtTick({ ...p }, 137));
  });

  it('speaks the original payload plus seq', () => {
    const [emission] = emissionsAtTick(plan(steadyScenario), 4);
    const payload = emission!.payload as TelemetryPayload;
    expect(Object.keys(payload).sort()).toEqual([
      'geolocation',
      'humidity',
      'seq',
      'status',
      'temperature',
      'timestamp',
    ]);
    expect(payload.timestamp).toBe('2025-10-13T10:00:20.000Z');
    expect(payload.geolocation).toMatch(/^-?\d+\.\d{4},-?\d+\.\d{4}$/);
    expect(payload.seq).toBe(5);
  });
});
