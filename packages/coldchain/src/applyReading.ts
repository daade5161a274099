import type { MonitorState, Reading, ReadingOutcome, StorageProfile } from './types.ts';

/** How many recent readings a late reading may be re-ordered among; older ones only reach history and compliance. */
export const REORDER_HORIZON = 64;

export function applyReading(_state: MonitorState, _reading: Reading, _profile: StorageProfile): ReadingOutcome {
  throw new Error('not implemented');
}
