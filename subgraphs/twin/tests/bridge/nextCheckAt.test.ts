import { applyReading, initialState } from '@bst/coldchain';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { describe, expect, it } from 'vitest';
import { nextCheckAt } from '../../src/bridge/index.ts';

const MINUTE = 60_000;
const profile = refrigeratedProfile({ staleAfterSeconds: 900 });

describe('when the scheduler next ticks an entity', () => {
  it('checks a live sensor for silence staleAfterSeconds after its last reading', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const { state } = applyReading(initialState(), { at: now, temperatureC: 5, humidityPct: null }, profile);
    expect(nextCheckAt(state, profile, now, now)).toBe(now + 15 * MINUTE + 1);
  });

  it('does not tick a sensor uploading a day-old back-log until it has been quiet by the clock too', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const old = now - 24 * 60 * MINUTE;
    const { state } = applyReading(initialState(), { at: old, temperatureC: 5, humidityPct: null }, profile);
    // By event time alone it would be due at once, and every back-filled reading would withdraw what a tick raised.
    expect(nextCheckAt(state, profile, now)).toBe(old + 15 * MINUTE + 1);
    expect(nextCheckAt(state, profile, now, now)).toBe(now + 15 * MINUTE + 1);
  });
});
