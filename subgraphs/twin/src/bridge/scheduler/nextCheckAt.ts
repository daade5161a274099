import type { MonitorState, StorageProfile } from '@bst/coldchain';

/** While an excursion is open, tick at least this often so escalations by time passing are not late. */
const openExcursionTickMs = 60_000;

/**
 * When the engine next needs a tick for this entity: when silence would become SENSOR_OFFLINE, when a pending run
 * would pass its delay, when an open excursion would outlast maxExcursionMinutes. Null = nothing until the next reading.
 * `receivedAt` (after a reading): a sensor that just delivered is not silent, even when it uploads old readings, so
 * the silence check waits for staleAfterSeconds of quiet by the clock too (a back-fill would otherwise be ticked
 * between its readings, each of which would then withdraw the SENSOR_OFFLINE the tick raised; the record is the same
 * either way, only its announcement waits).
 */
export function nextCheckAt(
  state: MonitorState,
  profile: StorageProfile,
  now: number,
  receivedAt: number | null = null,
): number | null {
  const candidates: number[] = [];
  if (state.latestAt !== null && state.offline === null) {
    candidates.push(Math.max(state.latestAt, receivedAt ?? state.latestAt) + profile.staleAfterSeconds * 1000 + 1);
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
