// The soak's ground truth for alert events: the store's alert stream read live from the clients' start cursor for the
// whole run, so a stream trimmed to its last minutes still yields every event the run made.
import { CursorExpiredError, type TwinStore } from '@bst/twin';
import { alertEventKey, type ReceivedAlertEvent } from './followAlerts.ts';

export interface AlertStreamRecord {
  /** Every event read, in the stream's order, each with the cursor right after it. */
  readonly events: ReceivedAlertEvent[];
  /** Where the next read starts. */
  cursor(): string;
  /** Reads that failed (the store unreachable) and were retried from the same cursor. */
  readonly failedReads: number;
  /** Set once the stream no longer holds the events after the cursor: the record has a hole from there. */
  readonly expired: CursorExpiredError | null;
  /** Stops following and reads until the stream's head (a page with `more` false); resolves to the events it added. */
  catchUp(deadlineMs?: number): Promise<number>;
  stop(): Promise<void>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `alertEventsAfter` from `start` every `intervalMs`, paging without a pause while pages come full. A failing
 * read is retried from the cursor it had, never from a later one; a `CursorExpiredError` ends the record (`expired`)
 * and `onExpired` says so at once: a ground truth with a hole must fail the soak, not shorten it.
 */
export function recordAlertStream(
  store: Pick<TwinStore, 'alertEventsAfter'>,
  start: string,
  options: { intervalMs?: number; pageSize?: number; onExpired?: (error: CursorExpiredError) => void } = {},
): AlertStreamRecord {
  const { intervalMs = 500, pageSize = 500, onExpired } = options;
  const events: ReceivedAlertEvent[] = [];
  let cursor = start;
  let failedReads = 0;
  let expired: CursorExpiredError | null = null;
  let stopped = false;

  /** One page: whether more may follow at once; throws what the store threw. */
  const readPage = async (): Promise<boolean> => {
    const page = await store.alertEventsAfter(cursor, {}, pageSize);
    for (const { cursor: after, event } of page.events) {
      events.push({
        cursor: after,
        alertId: event.alertId,
        key: alertEventKey(event.alertId, event.transition, event.at),
      });
    }
    cursor = page.cursor;
    return page.more;
  };
  /** One page, a failure counted; false when the follower should wait before the next read. */
  const step = async (): Promise<boolean> => {
    try {
      return await readPage();
    } catch (error) {
      if (error instanceof CursorExpiredError) {
        expired = error;
        onExpired?.(error);
      } else failedReads++;
      return false;
    }
  };
  const following = (async () => {
    while (!stopped && !expired) {
      if (!(await step())) await pause(intervalMs);
    }
  })();
  const stop = async () => {
    stopped = true;
    await following;
  };

  return {
    events,
    cursor: () => cursor,
    get failedReads() {
      return failedReads;
    },
    get expired() {
      return expired;
    },
    async catchUp(deadlineMs = 60_000) {
      await stop();
      const before = events.length;
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        if (expired) throw expired;
        const failed = failedReads;
        const more = await step();
        if (!more && failedReads === failed && !expired) return events.length - before;
        if (Date.now() > deadline) throw new Error(`the alert stream's head not reached in ${deadlineMs} ms`);
        if (!more) await pause(intervalMs);
      }
    },
    stop,
  };
}
