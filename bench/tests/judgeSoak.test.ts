import { describe, expect, it } from 'vitest';
import { type MemorySample, memoryFlat, memoryTimeline } from '../support/soak/judgeSoak.ts';

const sample = (service: string, atMs: number, mb: number): MemorySample => ({ service, atMs, rssBytes: mb * 1e6 });

describe("the soak's memory judgement", () => {
  it('a timeline holds one median per step and null where the process had no sample', () => {
    const samples = [
      sample('broker', 0, 30),
      sample('broker', 5_000, 31),
      sample('broker', 10_000, 90),
      // Down during the second step (killed), back in the third.
      sample('broker', 65_000, 40),
      sample('twin', 0, 100),
      sample('twin', 65_000, 101),
    ];
    expect(memoryTimeline(samples, 30_000)).toEqual({ broker: [31, null, 40], twin: [100, null, 101] });
  });

  it('judges the peaks: a sawtooth caught at its top in one window and its bottom in the other is flat, rising peaks are not', () => {
    // Every 5 s for 3 minutes per window: the first all at the top, the last mostly at the bottom (the bridge at 17:37).
    const window = (from: number, mbAt: (i: number) => number) =>
      Array.from({ length: 36 }, (_, i) => sample('bridge', from + i * 5_000, mbAt(i)));
    const first = window(0, () => 280);
    const sawtooth = [...first, ...window(600_000, (i) => (i % 3 === 0 ? 278 : 222))];
    const growing = [...first, ...window(600_000, (i) => (i % 3 === 0 ? 330 : 222))];
    const windows = [
      { from: 0, to: 180_000 },
      { from: 600_000, to: 780_000 },
    ] as const;
    const [flat] = memoryFlat(sawtooth, ...windows, 0.15);
    expect(flat).toMatchObject({
      firstPeakMb: 280,
      lastPeakMb: 278,
      firstMedianMb: 280,
      lastMedianMb: 222,
      flat: true,
    });
    expect(memoryFlat(growing, ...windows, 0.15)[0]).toMatchObject({ ratio: 1.179, flat: false });
  });

  it('judges a fall beyond the tolerance as not flat, as a rise', () => {
    const samples = [sample('a', 0, 40), sample('a', 10_000, 28), sample('b', 0, 40), sample('b', 10_000, 45)];
    const verdict = memoryFlat(samples, { from: 0, to: 5_000 }, { from: 10_000, to: 20_000 }, 0.15);
    expect(verdict.map((v) => [v.service, v.ratio, v.flat])).toEqual([
      ['a', 0.7, false],
      ['b', 1.125, true],
    ]);
  });
});
