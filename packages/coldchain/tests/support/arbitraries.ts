import fc from 'fast-check';
import type { Reading, StorageProfile } from '../../src/index.ts';

const MINUTE = 60_000;

/** Storage profiles the property tests judge by (refrigerated limits; delays, hysteresis, limits and staleness vary). */
export const profile = fc.record({
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

export const series = (min: number, max: number) =>
  fc
    .array(stretch, { minLength: min, maxLength: max })
    .map((stretches) => seriesOf(stretches))
    .filter((readings) => readings.length > 0);
