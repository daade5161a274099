import type { MonitorState, StorageProfile, TickOutcome } from './types.ts';

export function applyTick(_state: MonitorState, _now: number, _profile: StorageProfile): TickOutcome {
  throw new Error('not implemented');
}
