import { describe, expect, it } from 'vitest';
import { ReplayWindow } from '../src/index.ts';

const limits = { windowMs: 30_000, maxReadings: 1000, maxBytes: 1_000_000 };

describe('ReplayWindow', () => {
  it('gives back, oldest first, what was acknowledged in the window before the connection was lost, and empties', () => {
    const window = new ReplayWindow(limits);
    for (let s = 0; s <= 60; s++) window.add('t', String(s), s * 1000);
    const taken = window.take(60_000);
    expect(taken.map((r) => r.payload)).toEqual(Array.from({ length: 31 }, (_, i) => String(30 + i)));
    expect(window.size()).toBe(0);
    expect(window.take(60_000)).toEqual([]);
  });

  it('keeps the tail of a connection lost long ago: the window is counted back from the loss, not from now', () => {
    const window = new ReplayWindow(limits);
    window.add('t', 'a', 1000);
    window.add('t', 'b', 2000);
    // Nothing is acknowledged while the broker is down, so nothing expires the window meanwhile.
    expect(window.take(2500).map((r) => r.payload)).toEqual(['a', 'b']);
  });

  it('forgets the oldest past its count or byte bound and counts them as evicted', () => {
    const byCount = new ReplayWindow({ ...limits, maxReadings: 3 });
    for (let i = 0; i < 5; i++) byCount.add('t', String(i), i);
    expect(byCount.evicted()).toBe(2);
    expect(byCount.take(5).map((r) => r.payload)).toEqual(['2', '3', '4']);

    const byBytes = new ReplayWindow({ ...limits, maxBytes: 10 });
    for (let i = 0; i < 5; i++) byBytes.add('t', 'abcd', i);
    expect(byBytes.take(5)).toHaveLength(2);
    expect(byBytes.evicted()).toBe(3);
  });

  it('drops what expired without counting it as evicted', () => {
    const window = new ReplayWindow({ ...limits, windowMs: 10 });
    for (let i = 0; i < 5000; i++) window.add('t', String(i), i);
    expect(window.size()).toBe(11);
    expect(window.evicted()).toBe(0);
    expect(window.take(4999).map((r) => r.payload)).toEqual(Array.from({ length: 11 }, (_, i) => String(4989 + i)));
  });
});
