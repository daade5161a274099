import { offlineEvent } from './offlineEvent.ts';
import { stepExcursions } from './stepExcursions.ts';
import type { AlertEvent, Excursions, HorizonReading, StorageProfile } from './types.ts';

/**
 * Steps the rules through sorted readings that follow a reading at `previousAt` (null: the first ever), pushing what
 * the readings alone announce: excursions, and a SENSOR_OFFLINE raised and cleared for every gap longer than
 * staleAfterSeconds between consecutive readings.
 */
export function replaySeries(
  excursions: Excursions,
  previousAt: number | null,
  readings: readonly HorizonReading[],
  profile: StorageProfile,
  events: AlertEvent[],
): Excursions {
  const staleMs = profile.staleAfterSeconds * 1000;
  let state = excursions;
  let previous = previousAt;
  for (const [at, temperatureC, humidityPct] of readings) {
    if (previous !== null && at - previous > staleMs) {
      events.push(offlineEvent('RAISED', previous + staleMs, previous + staleMs, profile));
      events.push(offlineEvent('CLEARED', previous + staleMs, at, profile));
    }
    state = stepExcursions(state, at, temperatureC, humidityPct, profile, events);
    previous = at;
  }
  return state;
}
