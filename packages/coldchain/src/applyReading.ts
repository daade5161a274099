import { correctAnnouncedAlerts } from './correctAnnouncedAlerts.ts';
import { stepExcursions } from './stepExcursions.ts';
import type {
  AlertEvent,
  Excursions,
  HorizonReading,
  MonitorState,
  Reading,
  ReadingOutcome,
  StorageProfile,
} from './types.ts';

/** How many recent readings a late reading may be re-ordered among; older ones only reach history and compliance. */
export const REORDER_HORIZON = 64;

/**
 * Folds one reading into the monitor state. In event-time order it moves live state and the excursions;
 * a late reading inside the horizon re-derives the excursions from `base` as if the readings had come sorted and
 * corrects the alerts already announced (see correctAnnouncedAlerts);
 * a reading at a known event time is a duplicate and changes nothing.
 */
export function applyReading(state: MonitorState, reading: Reading, profile: StorageProfile): ReadingOutcome {
  const at = reading.at;
  const latestAt = state.latestAt;
  if (latestAt !== null && at <= latestAt) {
    if (at === latestAt) return { state, events: [], accepted: 'duplicate' };
    return applyLate(state, reading, profile);
  }
  const events: AlertEvent[] = [];
  if (state.offline !== null) {
    const { alertId: id, startedAt } = state.offline;
    const silentMinutes = Math.round((at - state.latestAt!) / 60_000);
    events.push({
      transition: 'CLEARED',
      alertId: id,
      kind: 'SENSOR_OFFLINE',
      severity: 'WARNING',
      at,
      startedAt,
      message: `Sensor reporting again after ${silentMinutes} min of silence`,
    });
  }
  const temperatureC = reading.temperatureC;
  const humidityPct = reading.humidityPct;
  const current = stepExcursions(state.current, at, temperatureC, humidityPct, profile, events);
  let base = state.base;
  let horizonAt = state.horizonAt;
  const previous = state.horizon;
  let horizon: HorizonReading[];
  if (previous.length >= REORDER_HORIZON) {
    const oldest = previous[0]!;
    base = stepExcursions(base, oldest[0], oldest[1], oldest[2], profile, null);
    horizonAt = oldest[0];
    horizon = previous.slice(1);
  } else {
    horizon = previous.slice();
  }
  horizon.push([at, temperatureC, humidityPct]);
  const next: MonitorState = {
    v: 2,
    latestAt: at,
    live: {
      temperatureC,
      humidityPct,
      lat: reading.lat ?? null,
      lng: reading.lng ?? null,
      status: reading.status ?? null,
    },
    current,
    base,
    horizon,
    horizonAt,
    offline: null,
  };
  return { state: next, events, accepted: 'applied' };
}

function applyLate(state: MonitorState, reading: Reading, profile: StorageProfile): ReadingOutcome {
  const at = reading.at;
  if (state.horizonAt !== null && at <= state.horizonAt) return { state, events: [], accepted: 'late' };
  const horizon = state.horizon;
  const index = firstIndexAtOrAfter(horizon, at);
  if (horizon[index]?.[0] === at) return { state, events: [], accepted: 'duplicate' };
  const reordered = horizon.slice();
  reordered.splice(index, 0, [at, reading.temperatureC, reading.humidityPct]);

  const before: AlertEvent[] = [];
  replay(state.base, horizon, profile, before);
  const after: AlertEvent[] = [];
  const current = keepTickEscalations(state.current, replay(state.base, reordered, profile, after));
  const events = correctAnnouncedAlerts(
    state.base,
    { events: before, current: state.current },
    { events: after, current },
    at,
  );
  const next: MonitorState = {
    ...state,
    current,
    horizon: reordered,
  };
  return { state: next, events, accepted: 'late' };
}

function replay(
  base: Excursions,
  horizon: readonly HorizonReading[],
  profile: StorageProfile,
  events: AlertEvent[],
): Excursions {
  let excursions = base;
  for (const [at, temperatureC, humidityPct] of horizon) {
    excursions = stepExcursions(excursions, at, temperatureC, humidityPct, profile, events);
  }
  return excursions;
}

/** Escalations by time passing are not in the readings, so a replay keeps them for the same excursion (same ordinal). */
function keepTickEscalations(before: Excursions, after: Excursions): Excursions {
  let result = after;
  for (const run of Object.values(before.runs)) {
    if (!run.escalatedByTick) continue;
    const replayed = after.runs[run.kind];
    if (replayed === undefined || replayed.ordinal !== run.ordinal || replayed.severity === 'CRITICAL') continue;
    if (result === after) result = { ...after, runs: { ...after.runs } };
    result.runs[run.kind] = { ...replayed, severity: 'CRITICAL', escalatedByTick: true };
  }
  return result;
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
