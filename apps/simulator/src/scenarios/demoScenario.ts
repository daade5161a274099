import type { Scenario } from './scenario.ts';

/** Every kind of fault once per half hour, spread across the demo fleet so the dashboard always has something to show. */
export const demoScenario: Scenario = {
  name: 'demo',
  cycleMinutes: 30,
  faults: [
    { kind: 'door-open', code: 'BOX-0001', fromMinute: 4, forMinutes: 1.5, peakAboveMaxC: 6 },
    { kind: 'silence', code: 'BOX-0002', fromMinute: 8, forMinutes: 7 },
    { kind: 'freezer-failure', code: 'FRZ-0002', fromMinute: 12, forMinutes: 14, riseCPerMinute: 1.2 },
    { kind: 'late-batch', code: 'BOX-0003', fromMinute: 18, forMinutes: 3 },
    { kind: 'door-open', code: 'FRZ-0001', fromMinute: 22, forMinutes: 2, peakAboveMaxC: 15 },
    { kind: 'duplicates', code: 'BOX-0004', every: 5 },
  ],
};
