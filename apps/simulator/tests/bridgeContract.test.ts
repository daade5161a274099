import { validateMessage } from '@bst/twin';
import { describe, expect, it } from 'vitest';
import { backfillEmissions, demoFleet, demoScenario, emissionsAtTick, type Plan } from '../src/index.ts';

describe('the simulator speaks what the twin bridge accepts', () => {
  it('every message of a full demo cycle passes the bridge validation, batches and status updates included', () => {
    const plan: Plan = {
      fleet: demoFleet,
      scenario: demoScenario,
      originMs: Date.parse('2025-10-13T10:00:00Z'),
      intervalMs: 5000,
    };
    const ticks = (demoScenario.cycleMinutes * 60_000) / plan.intervalMs;
    const families = new Set<string>();
    let readings = 0;
    for (let tick = 0; tick < ticks; tick++) {
      const receivedAt = plan.originMs + tick * plan.intervalMs;
      for (const { topic, payload } of emissionsAtTick(plan, tick)) {
        const verdict = validateMessage(topic, Buffer.from(JSON.stringify(payload)), receivedAt, 'bio_supply');
        expect(verdict, `${topic} at tick ${tick}`).toMatchObject({ ok: true });
        if (verdict.ok) readings += verdict.readings.length;
        families.add(`${topic.split('/')[1]}:${Array.isArray(payload) ? 'batch' : 'single'}`);
      }
    }
    expect(families).toEqual(new Set(['telemetry:single', 'telemetry:batch', 'updates:single']));
    expect(readings).toBeGreaterThan(demoFleet.length * ticks * 0.9);
  });

  it('every message of a first start’s 24 h back-fill passes the bridge validation', () => {
    const plan: Plan = { fleet: demoFleet, scenario: demoScenario, originMs: Date.now(), intervalMs: 5000 };
    let readings = 0;
    for (const { topic, payload } of backfillEmissions(plan, { hours: 24 })) {
      const verdict = validateMessage(topic, Buffer.from(JSON.stringify(payload)), plan.originMs, 'bio_supply');
      expect(verdict, topic).toMatchObject({ ok: true });
      if (verdict.ok) readings += verdict.readings.length;
    }
    expect(readings).toBeGreaterThan(demoFleet.length * 2880 * 0.95);
  });
});
