import { correctAnnouncedAlerts } from './correctAnnouncedAlerts.ts';
import { entersNewInterval } from './entersNewInterval.ts';
import { escalateAtClock } from './escalateAtClock.ts';
import { letTimePass } from './letTimePass.ts';
import { offlineEvent } from './offlineEvent.ts';
import { replaySeries } from './replaySeries.ts';
import { stepExcursions } from './stepExcursions.ts';
import type {
  AlertEvent,
  Checkpoint,
  Excursions,
  HorizonReading,
  MonitorState,
  Reading,
  ReadingOutcome,
  StorageProfile,
} from './types.ts';

/** How many recent readings a late reading may be re-ordered among; an older one needs a replay of the stored series. */
export const REORDER_HORIZON = 64;

/**
 * Folds one reading into the monitor state. In event-time order it moves live state and the excursions, and a gap
 * longer than staleAfterSeconds before it is a SENSOR_OFFLINE (cleared by it); a late reading inside the horizon
 * re-derives the alerts from `base` as if the readings had come sorted and corrects those already announced (see
 * correctAnnouncedAlerts); an older one changes nothing and asks for replayLateReadings; a reading at a known event
 * time is a duplicate and changes nothing.
 */
export function applyReading(state: MonitorState, reading: Reading, profile: StorageProfile): ReadingOutcome {
  const at = reading.at;
  const latestAt = state.latestAt;
  if (latestAt !== null && at <= latestAt) {
    if (at === latestAt) return { state, events: [], accepted: 'duplicate', replayBefore: null, checkpoint: null };
    return applyLate(state, reading, profile);
  }
  const events: AlertEvent[] = [];
  const staleMs = profile.staleAfterSeconds * 1000;
  const offline = state.offline;
  if (latestAt !== null && at - latestAt > staleMs) {
    // Raised here when no tick saw the silence (a batch uploaded after a gap): the same record either way.
    const startedAt = latestAt + staleMs;
    if (offline === null) events.push(offlineEvent('RAISED', startedAt, startedAt, profile));
    events.push(offlineEvent('CLEARED', startedAt, at, profile));
  } else if (offline !== null) {
    // A tick called the sensor silent, but this reading (delivered late) falls inside the time the last one held.
    events.push(offlineEvent('WITHDRAWN', offline.startedAt, at, profile));
  }
  const temperatureC = reading.temperatureC;
  const humidityPct = reading.humidityPct;
  const current = stepExcursions(state.current, at, temperatureC, humidityPct, profile, events);
  const previous = state.horizon;
  const moved = previous.length >= REORDER_HORIZON ? moveBase(state, profile) : null;
  const horizon = moved === null ? previous.slice() : previous.slice(1);
  horizon.push([at, temperatureC, humidityPct]);
  const clockAt = state.clockAt ?? null;
  let next: MonitorState = {
    v: 3,
    latestAt: at,
    live: {
      temperatureC,
      humidityPct,
      lat: reading.lat ?? null,
      lng: reading.lng ?? null,
      status: reading.status ?? null,
    },
    current,
    base: moved === null ? state.base : moved.base,
    horizon,
    horizonAt: moved === null ? state.horizonAt : moved.horizonAt,
    offline: null,
    clockAt,
  };
  // Delivered after a tick that had already let time pass beyond it: judge it as that tick would have.
  if (clockAt !== null && clockAt > at) next = letTimePass(next, clockAt, profile, events);
  return { state: next, events, accepted: 'applied', replayBefore: null, checkpoint: moved?.checkpoint ?? null };
}

/** Folds the horizon's oldest reading into the base; a checkpoint when the base enters a new interval. */
function moveBase(
  state: MonitorState,
  profile: StorageProfile,
): { base: Excursions; horizonAt: number; checkpoint: Checkpoint | null } {
  const [at, temperatureC, humidityPct] = state.horizon[0]!;
  const base = stepExcursions(state.base, at, temperatureC, humidityPct, profile, null);
  const checkpoint =
    state.horizonAt === null || entersNewInterval(state.horizonAt, at) ? { at, excursions: base } : null;
  return { base, horizonAt: at, checkpoint };
}

function applyLate(state: MonitorState, reading: Reading, profile: StorageProfile): ReadingOutcome {
  const at = reading.at;
  if (state.horizonAt !== null && at <= state.horizonAt) {
    return { state, events: [], accepted: 'needs-replay', replayBefore: at, checkpoint: null };
  }
  const horizon = state.horizon;
  const index = firstIndexAtOrAfter(horizon, at);
  if (horizon[index]?.[0] === at)
    return { state, events: [], accepted: 'duplicate', replayBefore: null, checkpoint: null };
  const reordered = horizon.slice();
  reordered.splice(index, 0, [at, reading.temperatureC, reading.humidityPct]);

  const clockAt = state.clockAt ?? null;
  const before: AlertEvent[] = [];
  escalateAtClock(replaySeries(state.base, state.horizonAt, horizon, profile, before), clockAt, profile, before);
  const after: AlertEvent[] = [];
  const current = escalateAtClock(
    replaySeries(state.base, state.horizonAt, reordered, profile, after),
    clockAt,
    profile,
    after,
  );
  const events = correctAnnouncedAlerts(state.base, before, after, at);
  const next: MonitorState = { ...state, current, horizon: reordered };
  if (reordered.length <= REORDER_HORIZON) {
    return { state: next, events, accepted: 'late', replayBefore: null, checkpoint: null };
  }
  // Kept at REORDER_HORIZON readings, so late readings never grow the state.
  const moved = moveBase(next, profile);
  return {
    state: { ...next, base: moved.base, horizonAt: moved.horizonAt, horizon: reordered.slice(1) },
    events,
    accepted: 'late',
    replayBefore: null,
    checkpoint: moved.checkpoint,
  };
}

function firstIndexAtOrAfter(horizon: readonly HorizonReading[], at: number): number {
  let low = 0;
  let high = horizon.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (horizon[mid]![0] < at) low = mid + 1;
    else high = mid;
  }
  return low;
}
