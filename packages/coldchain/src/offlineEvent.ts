import { alertId } from './alertId.ts';
import type { AlertEvent, StorageProfile } from './types.ts';

/**
 * A SENSOR_OFFLINE transition. The alert starts (and is named) where the last reading stopped holding, so a tick that
 * saw the silence live and a reading that reveals it later name and date it alike.
 */
export function offlineEvent(
  transition: 'RAISED' | 'CLEARED' | 'WITHDRAWN',
  startedAt: number,
  at: number,
  profile: StorageProfile,
): AlertEvent {
  const silentMinutes = Math.round((at - startedAt) / 60_000 + profile.staleAfterSeconds / 60);
  const message =
    transition === 'RAISED'
      ? `No reading for more than ${profile.staleAfterSeconds} s`
      : transition === 'CLEARED'
        ? `Sensor reporting again after ${silentMinutes} min of silence`
        : 'Withdrawn: a reading delivered late shows the sensor was not silent that long';
  return {
    transition,
    alertId: alertId('SENSOR_OFFLINE', startedAt),
    kind: 'SENSOR_OFFLINE',
    severity: 'WARNING',
    at,
    startedAt,
    message,
  };
}
