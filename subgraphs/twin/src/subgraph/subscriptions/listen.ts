import type { Unsubscribe } from '../../store/index.ts';

const closed = Symbol('closed');

/**
 * Turns a store subscription (callback) into the async iterator a GraphQL subscription resolver returns. Each message
 * passes through `transform` in arrival order (undefined drops it). `return()` unsubscribes at once, even while a
 * `next()` is waiting, which an async generator could not do. A consumer that falls `maxQueued` behind loses the oldest.
 */
export async function listen<T, U>(
  subscribe: (listener: (message: T) => void) => Promise<Unsubscribe>,
  transform: (message: T) => Promise<U | undefined> | U | undefined,
  maxQueued = 1000,
): Promise<AsyncIterableIterator<U>> {
  const queue: T[] = [];
  let waiting: ((message: T | typeof closed) => void) | null = null;
  let done = false;
  const unsubscribe = await subscribe((message) => {
    if (done) return;
    if (waiting) {
      const wake = waiting;
      waiting = null;
      wake(message);
      return;
    }
    queue.push(message);
    if (queue.length > maxQueued) queue.shift();
  });

  const finish = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!done) {
      done = true;
      queue.length = 0;
      waiting?.(closed);
      waiting = null;
      await unsubscribe();
    }
    return { done: true, value: undefined };
  };

  const iterator: AsyncIterableIterator<U> = {
    async next() {
      for (;;) {
        if (done) return { done: true, value: undefined };
        const message =
          queue.length > 0
            ? (queue.shift() as T)
            : await new Promise<T | typeof closed>((resolve) => {
                waiting = resolve;
              });
        if (message === closed) return { done: true, value: undefined };
        const value = await transform(message);
        if (value !== undefined && !done) return { done: false, value };
      }
    },
    return: finish,
    async throw(error?: unknown) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
