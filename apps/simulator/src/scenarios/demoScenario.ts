import type { Scenario } from './scenario.ts';

/**
 * The demo's story, told at once and then kept going. Times are minutes from the simulator's start; negative ones
 * lie in the 24 h of history it back-fills on a first start, so the product's own delays (5 min out of range before
 * an excursion, 15 min of silence before SENSOR_OFFLINE) bring the first alerts within a minute or two, honestly.
 */
export const demoScenario: Scenario = {
  name: 'demo',
  cycleMinutes: 480,
  story:
    'BOX-0002 (London) was left open 4.6 min before start: TEMPERATURE_HIGH at ~30 s, cleared at ~5 min. ' +
    'FRG-LON-01 fell silent 12.75 min before start: SENSOR_OFFLINE at ~2 min, back at ~7 min. Then: BOX-0001 short ' +
    'door openings every 40 min (no alert), BOX-0004 an 8 min excursion every 3 h, FRZ-BER-01 a freezer failure ' +
    'every 8 h that escalates to CRITICAL, BOX-0002 silent 18 min every 4 h, BOX-0003 a late batch every 90 min, ' +
    'BOX-0004 duplicate deliveries.',
  faults: [
    { kind: 'door-open', code: 'BOX-0002', fromMinute: -4.6, forMinutes: 9, everyMinutes: null, peakAboveMaxC: 5 },
    { kind: 'silence', code: 'FRG-LON-01', fromMinute: -12.75, forMinutes: 20, everyMinutes: null },
    { kind: 'door-open', code: 'BOX-0001', fromMinute: 7, forMinutes: 2, everyMinutes: 40, peakAboveMaxC: 4 },
    { kind: 'door-open', code: 'BOX-0004', fromMinute: 25, forMinutes: 8, everyMinutes: 180, peakAboveMaxC: 5 },
    {
      kind: 'freezer-failure',
      code: 'FRZ-BER-01',
      fromMinute: 40,
      forMinutes: 45,
      everyMinutes: 480,
      riseCPerMinute: 2.5,
    },
    { kind: 'door-open', code: 'FRG-LON-01', fromMinute: 70, forMinutes: 3, everyMinutes: 120, peakAboveMaxC: 3 },
    { kind: 'silence', code: 'BOX-0002', fromMinute: 100, forMinutes: 18, everyMinutes: 240 },
    { kind: 'late-batch', code: 'BOX-0003', fromMinute: 50, forMinutes: 6, everyMinutes: 90 },
    { kind: 'duplicates', code: 'BOX-0004', every: 5 },
  ],
};
