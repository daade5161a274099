import type { StreamId } from './alertCursor.ts';

/** The id Redis would give the next entry of a stream whose last id is `last`, at `now` (never going backwards). */
export function nextStreamId(last: StreamId, now: number): StreamId {
  const dash = last.indexOf('-');
  const lastMs = Number(last.slice(0, dash));
  return now > lastMs ? `${now}-0` : `${lastMs}-${Number(last.slice(dash + 1)) + 1}`;
}

export function streamIdTime(id: StreamId): number {
  return Number(id.slice(0, id.indexOf('-')));
}
