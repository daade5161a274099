import type { AlertState } from './types.ts';

/** A lifecycle state is two independent facts, cleared or not and acknowledged or not, so it is derived, never stored. */
export function alertState(endedAt: number | null, acknowledgedAt: number | null): AlertState {
  return `${endedAt === null ? 'ACTIVE' : 'CLEARED'}_${acknowledgedAt === null ? 'UNACKNOWLEDGED' : 'ACKNOWLEDGED'}`;
}
