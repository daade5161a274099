import type { MonitorState, StorageProfile } from '@bst/coldchain';

/** While an excursion is open, tick at least this often so escalations by time passing are not late. */
const openExcursionTickMs = 60_000;

/**
 * When the engine next needs a tick for this entity: when silence would become SENSOR_OFFLINE, when a pending run
 * would pass its delay, when an open excursion would outlast maxExcursionMinutes. Null = nothing until the next reading.
 */
export function nextCheckAt(state: MonitorState, profile: StorageProfile, now: number): number | null {
  const candidates: number[] = [];
  if (state.latestAt !== null && state.offline === null) {
    candidates.push(state.latestAt + profile.staleAfterSeconds * 1000 + 1);
  }
  for (const run of Object.values(state.current.runs)) {
    if (!run) continue;
    if (run.severity === null) candidates.push(run.startedAt + profile.excursionDelaySeconds * 1000 + 1);
    else if (run.severity !== 'CRITICAL') {
      candidates.push(run.startedAt + profile.maxExcursionMinutes * 60_000 + 1, now + openExcursionTickMs);
    }
  }
  if (candidates.length === 0) return null;
  return Math.min(...candidates);
}
