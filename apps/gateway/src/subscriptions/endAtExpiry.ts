import { type ExecutionResult, GraphQLError } from 'graphql';

// Timers cannot wait longer than this (about 24 days); a credential valid for longer is not timed here.
const maxTimer = 2_147_000_000;

/**
 * A subscription's results that stop when the credential that opened it expires: one UNAUTHENTICATED error, then the
 * end (for streams without a socket to close, such as Server-Sent Events). The timer ends the results, which wakes a
 * waiting `next()`: racing every `next()` against one long-pending promise would pile a reaction on it per event.
 */
export function endAtExpiry(
  results: AsyncIterableIterator<ExecutionResult>,
  expiresAtSeconds: number | undefined,
): AsyncIterableIterator<ExecutionResult> {
  const wait = expiresAtSeconds === undefined ? Number.POSITIVE_INFINITY : expiresAtSeconds * 1000 - Date.now();
  if (wait > maxTimer) return results;
  let expired = false;
  let ended = false;
  const timer = setTimeout(
    () => {
      expired = true;
      void results.return?.();
    },
    Math.max(0, wait),
  );
  const end = async () => {
    ended = true;
    clearTimeout(timer);
    await results.return?.();
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (ended) return { done: true, value: undefined };
      const step = await results.next();
      if (!expired) {
        if (step.done) clearTimeout(timer);
        return step;
      }
      await end();
      const error = new GraphQLError('the token has expired; subscribe again with a fresh one', {
        extensions: { code: 'UNAUTHENTICATED' },
      });
      return { done: false, value: { errors: [error] } };
    },
    async return() {
      await end();
      return { done: true, value: undefined };
    },
    // Transports recognise a generator by `throw` and only then call return() on disconnect.
    async throw() {
      await end();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
