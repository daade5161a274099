import { describe, expect, it } from 'vitest';
import { faultTakesMs, planSoakWindows } from '../support/soak/planSoakWindows.ts';

describe("the soak's windows and faults", () => {
  it('gives the process the last fault restarts the full warm-up and its own window before the last window opens', () => {
    for (const minutes of [7.25, 8, 10, 30, 60]) {
      const plan = planSoakWindows(minutes * 60_000, 5);
      const lastBack = (plan.faultsAtMs.at(-1) as number) + faultTakesMs;
      expect(lastBack + plan.warmUpMs + plan.windowMs).toBeLessThanOrEqual(plan.lastWindowFromMs);
      expect(plan.faultsAtMs[0]).toBe(plan.warmUpMs + plan.windowMs);
      expect(plan.faultsAtMs.at(-1)).toBe(plan.faultWindow.to);
      const gaps = plan.faultsAtMs.slice(1).map((at, i) => at - (plan.faultsAtMs[i] as number));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(faultTakesMs);
    }
  });

  it('spreads 30 minutes as a 6-minute warm-up, 3-minute windows and faults from 540 s to 1,065 s', () => {
    const plan = planSoakWindows(30 * 60_000, 5);
    expect(plan).toMatchObject({ warmUpMs: 360_000, windowMs: 180_000, lastWindowFromMs: 1_620_000 });
    expect(plan.faultsAtMs).toEqual([540_000, 671_250, 802_500, 933_750, 1_065_000]);
  });

  it('refuses a run too short to fit them, naming the shortest that fits', () => {
    expect(() => planSoakWindows(7 * 60_000, 5)).toThrow(/too short.*at least 7.25 minutes/);
    expect(() => planSoakWindows(60_000, 5)).toThrow(/too short/);
  });
});
