import type { Scenario } from './scenario.ts';

/** No faults: every reading in range, for baselines and smoke tests. */
export const steadyScenario: Scenario = { name: 'steady', cycleMinutes: 60, faults: [] };
