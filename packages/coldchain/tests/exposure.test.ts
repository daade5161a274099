import { describe, expect, it } from 'vitest';
import { refrigeratedProfile } from '../src/fixtures/index.ts';
import { compliance, exposure, type Reading } from '../src/index.ts';

const MINUTE = 60_000;
const refrigerated = refrigeratedProfile({ excursionDelaySeconds: 600, excursionBudgetMinutes: 30 });
const series = (points: [number, number][]): Reading[] =>
  points.map(([m, temperatureC]) => ({ at: m * MINUTE, temperatureC, humidityPct: null }));

describe("a sample's exposure", () => {
  const readingsByContainer = {
    'FREEZER-1': series([
      [0, 5],
      [10, 5],
      [20, 9],
      [30, 9],
      [40, 5],
    ]),
    'BOX-0001': series([
      [30, 20],
      [45, 9],
      [55, 9],
      [65, 9],
      [75, 5],
    ]),
  };

  it('counts only what happened to the containers while they held the sample', () => {
    const figures = exposure(
      [
        { containerCode: 'FREEZER-1', from: 0, to: 40 * MINUTE },
        { containerCode: 'BOX-0001', from: 40 * MINUTE, to: null },
      ],
      readingsByContainer,
      refrigerated,
    );
    expect(figures.hops.map((h) => h.containerCode)).toEqual(['FREEZER-1', 'BOX-0001']);
    expect(figures.readings).toBe(5 + 4);
    expect(figures.until).toBe(75 * MINUTE);
    // The box's last reading before the hand-over (20 °C at 30 min) still held when the sample arrived at 40.
    expect(figures.excursions.map((e) => [e.startedAt / MINUTE, e.endedAt! / MINUTE])).toEqual([
      [20, 40],
      [40, 75],
    ]);
    expect(figures.excursionMinutes).toBe(55);
    expect(figures.budgetRemainingMinutes).toBe(0);
    expect(figures.atRisk).toBe(true);
    expect(figures.hops.map((h) => h.excursionMinutes)).toEqual([20, 35]);
  });

  it('is one excursion when the sample is handed over while out of range', () => {
    const figures = exposure(
      [
        { containerCode: 'FREEZER-1', from: 0, to: 30 * MINUTE },
        { containerCode: 'BOX-0001', from: 30 * MINUTE, to: 80 * MINUTE },
      ],
      readingsByContainer,
      refrigerated,
    );
    expect(figures.excursions.map((e) => [e.startedAt / MINUTE, e.endedAt! / MINUTE])).toEqual([[20, 75]]);
  });

  it('within one container equals that container’s compliance', () => {
    const window = { since: 0, until: 50 * MINUTE };
    const one = exposure(
      [{ containerCode: 'FREEZER-1', from: 0, to: null }],
      readingsByContainer,
      refrigerated,
      window,
    );
    const { atRisk, hops, ...figures } = one;
    expect(figures).toEqual(compliance(readingsByContainer['FREEZER-1'], refrigerated, window));
    expect(atRisk).toBe(false);
  });

  it('is unknown while no known container held it', () => {
    const figures = exposure([], readingsByContainer, refrigerated, { since: 0, until: 60 * MINUTE });
    expect(figures).toMatchObject({ readings: 0, timeInRangePct: 0, unknownMinutes: 60, atRisk: false });
  });
});
