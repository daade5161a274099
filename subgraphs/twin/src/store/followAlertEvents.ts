import { Repeater } from '@repeaterjs/repeater';
import { compareStreamIds, encodeAlertCursor, type StreamId } from './alertCursor.ts';
import { alertEventMatches } from './alertMatches.ts';
import { currentPositions, positionsAfter, readAlertStream } from './readAlertStream.ts';
import type { AlertStreamEntry, StoreBackend } from './StoreBackend.ts';
import type { AlertEventFollower, CursoredAlertEvent, FollowAlertEventsOptions } from './TwinStore.ts';

/**
 * Subscribe first, then replay from the cursor, then live: an event published during the replay is skipped when the
 * replay already gave it (its id is not past the partition's position). A live event whose predecessor was not seen
 * (a lost pub/sub message, or a consumer so slow its buffer overflowed) sends the follower back to the stream, so the
 * buffer stays bounded and nothing is lost while the stream retains it.
 */
export async function followAlertEvents(
  backend: StoreBackend,
  partitions: number,
  options: FollowAlertEventsOptions = {},
): Promise<AlertEventFollower> {
  const maxBuffered = options.maxBuffered ?? 1000;
  const queue: AlertStreamEntry[] = [];
  let overflowed = false;
  let wake: (() => void) | null = null;
  const subscription = await backend.subscribeAlertStream((entry) => {
    if (overflowed) return;
    if (queue.length >= maxBuffered) {
      overflowed = true;
      queue.length = 0;
    } else queue.push(entry);
    wake?.();
  });
  let subscribed = true;
  const unsubscribe = async () => {
    if (!subscribed) return;
    subscribed = false;
    await subscription();
  };
  let positions: StreamId[];
  try {
    positions =
      options.after === undefined
        ? await currentPositions(backend, partitions)
        : await positionsAfter(backend, partitions, options.after);
  } catch (error) {
    await unsubscribe();
    throw error;
  }
  const filter = options.filter ?? {};

  const events = new Repeater<CursoredAlertEvent>(async (push, stop) => {
    let stopped = false;
    void stop.then(() => {
      stopped = true;
      wake?.();
    });
    const emit = async (entry: AlertStreamEntry) => {
      if (!alertEventMatches(entry.event, entry.alert, filter)) return;
      await push({ cursor: encodeAlertCursor(positions), event: entry.event, alert: entry.alert });
    };
    try {
      let catchUp = options.after !== undefined;
      while (!stopped) {
        if (catchUp || overflowed) {
          catchUp = false;
          overflowed = false;
          for await (const entry of readAlertStream(backend, positions)) {
            if (stopped) break;
            await emit(entry);
          }
          continue;
        }
        const entry = queue.shift();
        if (!entry) {
          await new Promise<void>((resolve) => {
            wake = () => {
              wake = null;
              resolve();
            };
          });
          continue;
        }
        const seen = positions[entry.partition] as StreamId;
        if (compareStreamIds(entry.id, seen) <= 0) continue;
        if (compareStreamIds(entry.prev, seen) > 0) {
          catchUp = true;
          continue;
        }
        positions[entry.partition] = entry.id;
        await emit(entry);
      }
    } finally {
      await unsubscribe();
    }
  });
  // A repeater stopped before its first `next()` never runs its executor: release the subscription here too.
  const stopEvents = events.return.bind(events);
  return Object.assign(events, {
    cursor: () => encodeAlertCursor(positions),
    async return() {
      const result = await stopEvents();
      await unsubscribe();
      return result;
    },
  }) as unknown as AlertEventFollower;
}
