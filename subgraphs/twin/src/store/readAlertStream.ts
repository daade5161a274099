import { compareStreamIds, decodeAlertCursor, encodeAlertCursor, type StreamId } from './alertCursor.ts';
import { CursorExpiredError } from './CursorExpiredError.ts';
import type { AlertStreamEntry, StoreBackend } from './StoreBackend.ts';

/**
 * Decodes a client's cursor and checks that nothing after it was trimmed (the partition's trim marker is not past
 * it) and that it is not ahead of the store (a store since reset or another store).
 */
export async function positionsAfter(backend: StoreBackend, partitions: number, cursor: string): Promise<StreamId[]> {
  const positions = decodeAlertCursor(cursor, partitions);
  const states = await Promise.all(positions.map((_, p) => backend.alertStreamPosition(p)));
  for (const [p, state] of states.entries()) {
    const seen = positions[p] as StreamId;
    if (compareStreamIds(seen, state.last) > 0 || compareStreamIds(state.trimmed, seen) > 0) {
      throw new CursorExpiredError(cursor);
    }
  }
  return positions;
}

export async function currentPositions(backend: StoreBackend, partitions: number): Promise<StreamId[]> {
  const states = await Promise.all(Array.from({ length: partitions }, (_, p) => backend.alertStreamPosition(p)));
  return states.map((state) => state.last);
}

/**
 * Every entry after `positions`, merged over the partitions in id order (commit time; ties by partition), read page by
 * page. Advances `positions` as it yields. An entry whose predecessor the reader has not seen means events in between
 * were trimmed while reading: `CursorExpiredError`.
 */
export async function* readAlertStream(
  backend: StoreBackend,
  positions: StreamId[],
  pageSize = 200,
): AsyncGenerator<AlertStreamEntry> {
  const buffers: AlertStreamEntry[][] = positions.map(() => []);
  const readFrom = [...positions];
  const exhausted = positions.map(() => false);
  for (;;) {
    await Promise.all(
      buffers.map(async (buffer, p) => {
        if (buffer.length > 0 || exhausted[p]) return;
        const page = await backend.alertStreamRange(p, readFrom[p] as StreamId, pageSize);
        if (page.length < pageSize) exhausted[p] = true;
        const last = page.at(-1);
        if (last) readFrom[p] = last.id;
        buffers[p] = page;
      }),
    );
    let next = -1;
    for (const [p, buffer] of buffers.entries()) {
      const head = buffer[0];
      if (!head) continue;
      const best = buffers[next]?.[0];
      if (!best || compareStreamIds(head.id, best.id) < 0) next = p;
    }
    if (next === -1) return;
    const entry = (buffers[next] as AlertStreamEntry[]).shift() as AlertStreamEntry;
    if (compareStreamIds(entry.prev, positions[next] as StreamId) > 0) {
      throw new CursorExpiredError(encodeAlertCursor(positions));
    }
    positions[next] = entry.id;
    yield entry;
  }
}
