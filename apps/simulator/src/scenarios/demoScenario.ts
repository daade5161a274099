import type { Scenario } from './scenario.ts';

/** Every kind of fault once per half hour, spread across the demo fleet so the dashboard always has something to show. */
export const demoScenario: Scenario = {
  name: 'demo',
  cycleMinutes: 30,
  faults: [
    { kind: 'door-open', code: 'BOX-0001', fromMinute: 4, forMinutes: 1.5, peakAboveMaxC: 6 },
    { kind: 'silence', code: 'BOX-0002', fromMinute: 8, forMinutes: 7 },
    { kind: 'freezer-failure', code: 'FRZ-BER-01', fromMinute: 10, forMinutes: 18, riseCPerMinute: 2.5 },
    { kind: 'late-batch', code: 'BOX-0003', fromMinute: 18, forMinutes: 3 },
    { kind: 'door-open', code: 'FRG-LON-01', fromMinute: 22, forMinutes: 2, peakAboveMaxC: 5 },
    { kind: 'duplicates', code: 'BOX-0004', every: 5 },
  ],
};
