import { byEventTime, measure } from './measure.ts';
import type { Compliance, Reading, StorageProfile, Window } from './types.ts';

/**
 * Compliance of one sensor's readings over a window. Readings before `since` are used for what they tell about
 * the window (an excursion already under way, a reading still holding); pass the whole history for the budget
 * to be counted since the start. `inRangePct` is the original's reading count (100 for no readings);
 * `timeInRangePct` is the figure to trust, since time with no data is unknown, never compliant.
 */
export function compliance(readings: readonly Reading[], profile: StorageProfile, window: Window): Compliance {
  const sorted = byEventTime(readings);
  const stretch = { readings: sorted, from: window.since, to: window.until, ruled: sorted };
  return measure([stretch], profile, window.since, window.until).compliance;
}
