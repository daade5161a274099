import type { CustodyInterval, Exposure, Reading, StorageProfile, Window } from './types.ts';

export function exposure(
  _custodyIntervals: readonly CustodyInterval[],
  _readingsByContainer: Readonly<Record<string, readonly Reading[]>>,
  _profile: StorageProfile,
  _window?: Window,
): Exposure {
  throw new Error('not implemented');
}
