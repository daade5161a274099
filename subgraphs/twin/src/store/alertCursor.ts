import { InvalidCursorError } from './InvalidCursorError.ts';

/** A stream entry id `ms-seq` (Redis Stream ids; the memory store makes the same). */
export type StreamId = string;

export const streamStart: StreamId = '0-0';

function parts(id: StreamId): [number, number] {
  const dash = id.indexOf('-');
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** Stream ids in order: negative when `a` comes first. */
export function compareStreamIds(a: StreamId, b: StreamId): number {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  return am - bm || as - bs;
}

/**
 * A position in every partition's alert stream: the id of the last event seen there. Encoded compactly as
 * `a{base}.{p0}.{p1}…` (base36: base = the smallest ms, each partition `{ms - base}[-{seq}]`, empty = the start).
 */
export function encodeAlertCursor(positions: readonly StreamId[]): string {
  const split = positions.map(parts);
  const started = split.filter(([ms, seq]) => ms !== 0 || seq !== 0).map(([ms]) => ms);
  const base = started.length === 0 ? 0 : Math.min(...started);
  const encoded = split.map(([ms, seq]) =>
    ms === 0 && seq === 0 ? '' : `${(ms - base).toString(36)}${seq === 0 ? '' : `-${seq.toString(36)}`}`,
  );
  return `a${base.toString(36)}.${encoded.join('.')}`;
}

const base36 = /^[0-9a-z]+$/;

export function decodeAlertCursor(cursor: string, partitions: number): StreamId[] {
  if (cursor.length > 64 + partitions * 16 || !cursor.startsWith('a')) {
    throw new InvalidCursorError(cursor, 'unknown format');
  }
  const [head = '', ...entries] = cursor.slice(1).split('.');
  if (!base36.test(head)) throw new InvalidCursorError(cursor, 'unknown format');
  if (entries.length !== partitions) throw new InvalidCursorError(cursor, 'made for another partition count');
  const base = Number.parseInt(head, 36);
  return entries.map((entry) => {
    if (entry === '') return streamStart;
    const [delta = '', seq = '0', extra] = entry.split('-');
    if (extra !== undefined || !base36.test(delta) || !base36.test(seq)) {
      throw new InvalidCursorError(cursor, 'unknown format');
    }
    return `${base + Number.parseInt(delta, 36)}-${Number.parseInt(seq, 36)}`;
  });
}
