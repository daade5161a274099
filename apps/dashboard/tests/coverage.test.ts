import { describe, expect, it } from 'vitest';
import { coverageOf } from '../app/model/coverage.ts';
import { formatPercent } from '../app/model/format.ts';

const day = { since: '2025-10-13T00:00:00Z', until: '2025-10-14T00:00:00Z' };

describe('time in range is stated over the time there is data for, with the coverage beside it', () => {
  it('a fridge with 2 minutes of data, all in range, is 100 % of 2 min, not 0.1 % of the day', () => {
    const coverage = coverageOf({ ...day, readings: 24, outOfRangeMinutes: 0, unknownMinutes: 1438 });
    expect(coverage.inRangeOfCoveredPct).toBe(100);
    expect(coverage.coveredMinutes).toBe(2);
    expect(formatPercent(coverage.coveragePct)).toBe('0.1 %');
  });

  it('out-of-range minutes count against the covered time only', () => {
    const coverage = coverageOf({ ...day, readings: 2880, outOfRangeMinutes: 72, unknownMinutes: 0 });
    expect(coverage.inRangeOfCoveredPct).toBeCloseTo(95);
    expect(coverage.coveragePct).toBe(100);
  });

  it('no readings is no figure (unknown), never 100 %', () => {
    expect(
      coverageOf({ ...day, readings: 0, outOfRangeMinutes: 0, unknownMinutes: 1440 }).inRangeOfCoveredPct,
    ).toBeNull();
  });

  it('a shortfall is never rounded up to 100 %, and a sliver of coverage is not rounded down to nothing', () => {
    expect(formatPercent(99.97)).toBe('99.9 %');
    expect(formatPercent(100)).toBe('100.0 %');
    expect(formatPercent(0.04)).toBe('< 0.1 %');
    expect(formatPercent(0)).toBe('0.0 %');
  });
});
