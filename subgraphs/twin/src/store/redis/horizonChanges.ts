import type { HorizonReading, MonitorState } from '@bst/coldchain';

/**
 * How a state's reorder horizon is written: `replace` it whole, or remove and add readings in the stored one (the
 * sorted set `monitor-horizon:{entity}`, score = event time, member = the reading's JSON).
 */
export interface HorizonChanges {
  replace: boolean;
  removed: HorizonReading[];
  added: HorizonReading[];
}

const sameReading = (a: HorizonReading, b: HorizonReading) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/**
 * What turns the horizon of `from` (the state stored at the commit's expected version) into that of `to`: usually the
 * one new reading and the one folded into the base, instead of all 64. Without `from` the horizon is replaced whole.
 * Both horizons are sorted by event time with one reading per time (the engine's invariant; checked on the way).
 */
export function horizonChanges(from: MonitorState | null | undefined, to: MonitorState): HorizonChanges {
  const next = to.horizon;
  const previous = from?.horizon;
  if (!previous) return { replace: true, removed: [], added: next };
  const removed: HorizonReading[] = [];
  const added: HorizonReading[] = [];
  let i = 0;
  let j = 0;
  let lastAt = Number.NEGATIVE_INFINITY;
  while (i < previous.length || j < next.length) {
    const old = previous[i];
    const now = next[j];
    const at = Math.min(old?.[0] ?? Number.POSITIVE_INFINITY, now?.[0] ?? Number.POSITIVE_INFINITY);
    // Not sorted as the engine keeps it: write the whole horizon rather than guess.
    if (at <= lastAt) return { replace: true, removed: [], added: next };
    lastAt = at;
    if (old && now && old[0] === now[0]) {
      if (!sameReading(old, now)) {
        removed.push(old);
        added.push(now);
      }
      i++;
      j++;
    } else if (old && old[0] === at) {
      removed.push(old);
      i++;
    } else {
      added.push(now as HorizonReading);
      j++;
    }
  }
  return { replace: false, removed, added };
}
