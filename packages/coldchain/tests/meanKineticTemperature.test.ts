import { describe, expect, it } from 'vitest';
import { meanKineticTemperature } from '../src/index.ts';

describe('mean kinetic temperature', () => {
  it('of equal-weight 4, 4, 4, 4 and 16 °C is 8.11 °C, above the arithmetic mean of 6.4 °C', () => {
    const mkt = meanKineticTemperature([4, 4, 4, 4, 16].map((tempC) => ({ tempC, weight: 1 })));
    expect(mkt.toFixed(2)).toBe('8.11');
  });

  it('of 29 days at 25 °C and 1 day at 40 °C is 26.11 °C', () => {
    const mkt = meanKineticTemperature([
      { tempC: 25, weight: 29 },
      { tempC: 40, weight: 1 },
    ]);
    expect(mkt.toFixed(2)).toBe('26.11');
  });

  it('of a constant temperature is that temperature', () => {
    expect(meanKineticTemperature([{ tempC: 5, weight: 3 }])).toBeCloseTo(5, 10);
  });

  it('is undefined without any time to weigh', () => {
    expect(meanKineticTemperature([])).toBeNaN();
  });
});
