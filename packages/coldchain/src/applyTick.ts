import { letTimePass } from './letTimePass.ts';
import type { AlertEvent, MonitorState, StorageProfile, TickOutcome } from './types.ts';

/**
 * Lets wall-clock time pass: silence longer than staleAfterSeconds (from the latest reading's event time) raises
 * SENSOR_OFFLINE, and open excursions escalate once they outlast their limits, each reading holding at most
 * staleAfterSeconds. The clock is kept (`clockAt`), so a reading or a replay after the tick judges alike.
 */
export function applyTick(state: MonitorState, now: number, profile: StorageProfile): TickOutcome {
  if (state.latestAt === null) return { state, events: [] };
  const previous = state.clockAt ?? null;
  const clockAt = previous === null || now > previous ? now : previous;
  const events: AlertEvent[] = [];
  const next = letTimePass(clockAt === previous ? state : { ...state, clockAt }, clockAt, profile, events);
  return { state: next, events };
}
