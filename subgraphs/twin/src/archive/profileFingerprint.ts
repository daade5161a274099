import type { StorageProfile } from '@bst/coldchain';

/** What an hourly rollup depends on: the limits and how long a reading holds. A rollup of another one is recomputed. */
export function profileFingerprint(profile: StorageProfile): string {
  return [profile.minTempC, profile.maxTempC, profile.minHumidityPct, profile.maxHumidityPct, profile.staleAfterSeconds]
    .map(String)
    .join('|');
}

/** The fingerprint of rollups written for an entity without a profile: they mark the hour as holding readings. */
export const unjudged = '-';
