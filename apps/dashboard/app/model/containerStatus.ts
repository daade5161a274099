import type { FeedAlert } from './alertFeed.ts';

/** What the operator needs to see first about a container. */
export type ContainerStatus = 'in-range' | 'excursion' | 'offline' | 'no-data' | 'unregistered';

export interface StatusInput {
  live: { temperatureC: number | null; at: string; stale: boolean } | null;
  profile: { minTempC: number | null; maxTempC: number | null; staleAfterSeconds: number } | null;
  activeAlerts: readonly Pick<FeedAlert, 'kind'>[];
}

export const statusLabels: Record<ContainerStatus, string> = {
  'in-range': 'in range',
  excursion: 'excursion',
  offline: 'offline',
  'no-data': 'no data yet',
  unregistered: 'unregistered',
};

/** Offline wins (its figures are old), then an excursion (an active alert or a reading out of range). */
export function containerStatus({ live, profile, activeAlerts }: StatusInput, now = Date.now()): ContainerStatus {
  if (activeAlerts.some((alert) => alert.kind === 'SENSOR_OFFLINE')) return 'offline';
  if (!live) return activeAlerts.length > 0 ? 'excursion' : 'no-data';
  // The twin marks stale when it next answers; the page's own clock notices a silent sensor between refreshes.
  if (live.stale || now - Date.parse(live.at) > (profile?.staleAfterSeconds ?? 900) * 1000) return 'offline';
  if (activeAlerts.length > 0 || outOfRange(live.temperatureC, profile)) return 'excursion';
  return 'in-range';
}

export function outOfRange(temperatureC: number | null | undefined, profile: StatusInput['profile']): boolean {
  if (!profile || temperatureC === null || temperatureC === undefined) return false;
  return (
    (profile.minTempC !== null && temperatureC < profile.minTempC) ||
    (profile.maxTempC !== null && temperatureC > profile.maxTempC)
  );
}
