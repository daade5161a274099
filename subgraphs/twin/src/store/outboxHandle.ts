import type { StreamId } from './alertCursor.ts';

/** What an archiver acknowledges: the entry's partition and its id in that partition's outbox stream. */
export function outboxHandle(partition: number, id: StreamId): string {
  return `${partition}/${id}`;
}

export function parseOutboxHandle(handle: string, partitions: number): { partition: number; id: StreamId } | null {
  const match = /^(\d+)\/(\d+-\d+)$/.exec(handle);
  if (!match) return null;
  const partition = Number(match[1]);
  return partition < partitions ? { partition, id: match[2] as StreamId } : null;
}
