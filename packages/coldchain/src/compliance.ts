import type { Compliance, Reading, StorageProfile, Window } from './types.ts';

export function compliance(_readings: readonly Reading[], _profile: StorageProfile, _window: Window): Compliance {
  throw new Error('not implemented');
}
