import type { Compliance, Excursion, StorageProfile } from '@bst/coldchain';
import type { LiveState, StoredAlert, TwinReading } from '../../store/index.ts';

/** Without a profile a reading is called stale after the most common profiles' 15 minutes. */
export const defaultStaleAfterSeconds = 900;

export function location(lat: number | null | undefined, lng: number | null | undefined) {
  return lat === null || lat === undefined || lng === null || lng === undefined ? null : { lat, lng };
}

export function liveStateShape(live: LiveState, profile: StorageProfile | null, now: number) {
  const staleAfterMs = (profile?.staleAfterSeconds ?? defaultStaleAfterSeconds) * 1000;
  return {
    temperatureC: live.temperatureC,
    humidityPct: live.humidityPct,
    location: location(live.lat, live.lng),
    status: live.status,
    at: live.at,
    receivedAt: live.receivedAt,
    stale: now - live.at > staleAfterMs,
    registered: live.registered,
  };
}

export function readingShape(reading: TwinReading) {
  return {
    at: reading.at,
    receivedAt: reading.receivedAt,
    temperatureC: reading.temperatureC,
    humidityPct: reading.humidityPct,
    location: location(reading.lat, reading.lng),
    status: reading.status ?? null,
    seq: reading.seq ?? null,
  };
}

/** `container` / `sample` are entity references, so the gateway can fetch core's fields (site, samples) for them. */
export function alertShape(alert: StoredAlert) {
  return {
    ...alert,
    container: alert.entityType === 'CONTAINER' ? { __typename: 'Container', code: alert.code } : null,
    sample: alert.entityType === 'SAMPLE' ? { __typename: 'Sample', code: alert.code } : null,
  };
}

export type AlertShape = ReturnType<typeof alertShape>;

function excursionShape(excursion: Excursion) {
  return { ...excursion, metric: excursion.metric === 'temperature' ? 'TEMPERATURE' : 'HUMIDITY' };
}

export function complianceShape<T extends Compliance>(figures: T, profile: StorageProfile) {
  return { ...figures, profileName: profile.name, excursions: figures.excursions.map(excursionShape) };
}
