import { escalate } from './stepExcursions.ts';
import type { AlertEvent, Excursions, StorageProfile } from './types.ts';

/**
 * Judges open excursions as of the latest tick (`clockAt`), each no further than its last reading holds: what a tick
 * did live, a replay of the same readings does again. Returns the same object when nothing escalates.
 */
export function escalateAtClock(
  excursions: Excursions,
  clockAt: number | null,
  profile: StorageProfile,
  events: AlertEvent[] | null,
): Excursions {
  if (clockAt === null) return excursions;
  const runs = excursions.runs;
  if (
    runs.TEMPERATURE_HIGH?.severity !== 'WARNING' &&
    runs.TEMPERATURE_LOW?.severity !== 'WARNING' &&
    runs.HUMIDITY_HIGH?.severity !== 'WARNING' &&
    runs.HUMIDITY_LOW?.severity !== 'WARNING'
  ) {
    return excursions;
  }
  const next: Excursions = { ...excursions, runs: { ...runs } };
  return escalate(next, clockAt, clockAt, profile, events) ? next : excursions;
}
