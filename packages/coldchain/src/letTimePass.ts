import { escalateAtClock } from './escalateAtClock.ts';
import { offlineEvent } from './offlineEvent.ts';
import type { AlertEvent, MonitorState, StorageProfile } from './types.ts';

/**
 * Time up to `clockAt` has passed after the latest reading: silence longer than staleAfterSeconds raises
 * SENSOR_OFFLINE, and open excursions are judged as far as their last readings hold.
 */
export function letTimePass(
  state: MonitorState,
  clockAt: number,
  profile: StorageProfile,
  events: AlertEvent[],
): MonitorState {
  const latestAt = state.latestAt;
  if (latestAt === null) return state;
  let next = state;
  const staleMs = profile.staleAfterSeconds * 1000;
  if (state.offline === null && clockAt - latestAt > staleMs) {
    const startedAt = latestAt + staleMs;
    const raised = offlineEvent('RAISED', startedAt, clockAt, profile);
    next = { ...next, offline: { alertId: raised.alertId, startedAt } };
    events.push(raised);
  }
  const current = escalateAtClock(state.current, clockAt, profile, events);
  if (current !== state.current) next = { ...next, current };
  return next;
}
