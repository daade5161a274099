import { demoScenario } from './demoScenario.ts';
import type { Scenario } from './scenario.ts';
import { steadyScenario } from './steadyScenario.ts';

export const scenarios: Readonly<Record<string, Scenario>> = { demo: demoScenario, steady: steadyScenario };

export function scenarioByName(name: string): Scenario {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`Unknown SIM_SCENARIO "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
  return scenario;
}
