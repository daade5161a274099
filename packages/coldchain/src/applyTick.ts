import { alertId } from './alertId.ts';
import { escalate } from './stepExcursions.ts';
import type { AlertEvent, MonitorState, StorageProfile, TickOutcome } from './types.ts';

/**
 * Lets time pass: silence longer than staleAfterSeconds (from the latest reading's event time) raises SENSOR_OFFLINE,
 * and open excursions escalate once they outlast their limits, each reading holding at most staleAfterSeconds.
 */
export function applyTick(state: MonitorState, now: number, profile: StorageProfile): TickOutcome {
  const latestAt = state.latestAt;
  if (latestAt === null) return { state, events: [] };
  const staleMs = profile.staleAfterSeconds * 1000;
  const events: AlertEvent[] = [];
  let next = state;
  if (state.offline === null && now - latestAt > staleMs) {
    // Anchored on the moment the silence became too long, so every bridge names this alert alike whatever its tick.
    const startedAt = latestAt + staleMs;
    const id = alertId('SENSOR_OFFLINE', startedAt);
    next = { ...next, offline: { alertId: id, startedAt } };
    events.push({
      transition: 'RAISED',
      alertId: id,
      kind: 'SENSOR_OFFLINE',
      severity: 'WARNING',
      at: now,
      startedAt,
      message: `No reading for more than ${profile.staleAfterSeconds} s`,
    });
  }
  const current = { ...state.current, runs: { ...state.current.runs } };
  if (escalate(current, Math.min(now, latestAt + staleMs), now, profile, events, true)) {
    next = { ...next, current };
  }
  return { state: next, events };
}
