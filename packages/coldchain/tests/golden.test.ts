import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryMonitor } from '../src/fixtures/index.ts';
import {
  type Accepted,
  type Alert,
  type AlertEvent,
  compliance,
  foldAlertEvents,
  type Reading,
  type StorageProfile,
} from '../src/index.ts';

const MINUTE = 60_000;
const dir = join(import.meta.dirname, 'golden');

interface ReadingStep {
  m: number;
  t: number | null;
  h?: number | null;
  accepted?: Accepted;
}
interface TickStep {
  tick: number;
}
interface Scenario {
  statement: string;
  profile: string;
  overrides?: Partial<StorageProfile>;
  steps: (ReadingStep | TickStep)[];
  events?: string[];
  /** The alert records the events leave: `"<engine id> <STATE> <SEVERITY> <start>..<end> peak <value>"`. */
  alerts?: string[];
  sameAsSorted?: boolean;
  live?: { at: number; temperatureC: number | null };
  window: { since: number; until: number };
  compliance: Record<string, unknown>;
}

const profiles = JSON.parse(readFileSync(join(dir, 'profiles.json'), 'utf8')) as Record<string, StorageProfile>;
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'profiles.json')
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Scenario);

const readingOf = (s: ReadingStep): Reading => ({ at: s.m * MINUTE, temperatureC: s.t, humidityPct: s.h ?? null });
const minutes = (ms: number | null) => (ms === null ? null : ms / MINUTE);
const describeEvent = (e: AlertEvent) =>
  `${minutes(e.at)} ${e.transition} ${e.kind} ${e.severity} since ${minutes(e.startedAt)}${e.late ? ' late' : ''}`;
const describeAlert = (a: Alert) =>
  `${a.id} ${a.state} ${a.severity} ${minutes(a.startedAt)}..${minutes(a.endedAt) ?? ''} peak ${a.peakValue}`;
const alertsOf = (events: AlertEvent[]) =>
  [...foldAlertEvents(events).values()].sort((a, b) => a.startedAt - b.startedAt);

function run(profile: StorageProfile, steps: Scenario['steps']) {
  const monitor = memoryMonitor(profile);
  const accepted: string[] = [];
  for (const step of steps) {
    if ('tick' in step) monitor.tick(step.tick * MINUTE);
    else accepted.push(step.accepted ?? 'applied', monitor.reading(readingOf(step)));
  }
  return { state: monitor.state, events: monitor.events, accepted };
}

describe('golden scenarios', () => {
  it('covers every scenario file', () => expect(scenarios.length).toBeGreaterThanOrEqual(20));

  for (const scenario of scenarios) {
    it(scenario.statement, () => {
      const profile = { ...profiles[scenario.profile]!, ...scenario.overrides };
      const { state, events, accepted } = run(profile, scenario.steps);

      for (let i = 0; i < accepted.length; i += 2) expect(accepted[i + 1], `reading ${i / 2}`).toBe(accepted[i]);
      if (scenario.events) expect(events.map(describeEvent)).toEqual(scenario.events);
      if (scenario.alerts) expect(alertsOf(events).map(describeAlert)).toEqual(scenario.alerts);
      if (scenario.live) {
        expect({ at: minutes(state.latestAt), temperatureC: state.live.temperatureC }).toEqual(scenario.live);
      }
      if (scenario.sameAsSorted) {
        const sorted = scenario.steps
          .filter((s): s is ReadingStep => 'm' in s)
          .sort((a, b) => a.m - b.m)
          .map(({ accepted: _, ...s }) => s);
        const inOrder = run(profile, sorted);
        expect(state).toEqual(inOrder.state);
        expect(alertsOf(events)).toEqual(alertsOf(inOrder.events));
      }

      const readings = scenario.steps.filter((s): s is ReadingStep => 'm' in s).map(readingOf);
      const window = { since: scenario.window.since * MINUTE, until: scenario.window.until * MINUTE };
      const figures = compliance(readings, profile, window);
      const shown = {
        ...figures,
        excursions: figures.excursions.map((e) => ({
          ...e,
          startedAt: minutes(e.startedAt),
          endedAt: minutes(e.endedAt),
        })),
      };
      expect(shown).toMatchObject(scenario.compliance);
      const partition = figures.inRangeMinutes + figures.outOfRangeMinutes + figures.unknownMinutes;
      expect(Math.abs(partition - (window.until - window.since) / MINUTE), 'in + out + unknown').toBeLessThanOrEqual(
        0.5,
      );
      expect(figures.excursionMinutes, 'observed excursion time is known time').toBeLessThanOrEqual(
        figures.inRangeMinutes + figures.outOfRangeMinutes,
      );
      expect(figures.unobservedExcursionMinutes, 'unobserved excursion time is unknown time').toBeLessThanOrEqual(
        figures.unknownMinutes,
      );
    });
  }
});
