import { ServiceUnavailableError } from '@bst/service-kit';
import type { StoreBackend } from '../StoreBackend.ts';
import type { RedisClient } from './connectRedis.ts';

// What a connection problem looks like from ioredis (no answer, no connection, a cluster without its slots) and the
// replies of a Redis that is up but cannot serve yet (loading its AOF, a cluster healing).
const unavailableNames = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
const unavailableMessage =
  /Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|Cluster isn't ready|None of startup nodes is available|Failed to refresh slots cache|^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN)\b/;

/** Whether an error means Redis could not serve (retry later), as opposed to a bug or a refused command. */
export function isRedisUnavailable(error: unknown): boolean {
  return error instanceof Error && (unavailableNames.has(error.name) || unavailableMessage.test(error.message));
}

/** How often a Redis suspected frozen is pinged (one PING at a time) to find out it answers again. */
const probeEveryMs = 250;

/**
 * The backend with Redis outages made explicit: once the connection has been up, a call while it is down fails at
 * once (no queueing behind a reconnect), and a connection failure surfaces as `ServiceUnavailableError` (the code
 * SERVICE_UNAVAILABLE to GraphQL clients). The first command that times out (Redis frozen, a partition: the socket
 * stays up until the socket timeout drops it) fails every call still waiting too, and calls fail at once from then
 * on, until a PING is answered again (probed every 250 ms): no request waits out more than one command timeout.
 * Other errors pass through unchanged.
 */
export function failFast(backend: StoreBackend, redis: RedisClient): StoreBackend {
  let connectedOnce = redis.status === 'ready';
  let suspect = false;
  let closed = false;
  // How to fail each call still waiting for Redis.
  const waiting = new Set<(error: Error) => void>();
  if (!connectedOnce) redis.once('ready', () => (connectedOnce = true));
  const probe = async () => {
    while (suspect && !closed) {
      await new Promise((resolve) => setTimeout(resolve, probeEveryMs).unref());
      if (redis.status !== 'ready') continue;
      try {
        await redis.ping();
        suspect = false;
      } catch {
        // Still no answer: keep failing fast.
      }
    }
  };
  const suspectFrozen = () => {
    if (suspect) return;
    suspect = true;
    const abandoned = new ServiceUnavailableError('redis', new Error('a command timed out: Redis is not answering'));
    for (const fail of waiting) fail(abandoned);
    waiting.clear();
    void probe();
  };
  const call = (member: (...a: unknown[]) => Promise<unknown>, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      waiting.add(reject);
      Promise.resolve()
        .then(() => member.apply(backend, args))
        .then(resolve, reject)
        .finally(() => waiting.delete(reject));
    });
  const guarded = {} as Record<string, unknown>;
  for (const [name, member] of Object.entries(backend)) {
    if (typeof member !== 'function') {
      guarded[name] = member;
      continue;
    }
    if (name === 'close') {
      guarded[name] = (...args: unknown[]) => {
        closed = true;
        return (member as (...a: unknown[]) => unknown).apply(backend, args);
      };
      continue;
    }
    guarded[name] = async (...args: unknown[]) => {
      if (connectedOnce && redis.status !== 'ready') {
        throw new ServiceUnavailableError('redis', new Error(`the connection is ${redis.status}`));
      }
      if (suspect) {
        throw new ServiceUnavailableError('redis', new Error('a command timed out and Redis has not answered since'));
      }
      try {
        return await call(member as (...a: unknown[]) => Promise<unknown>, args);
      } catch (error) {
        if (error instanceof Error && error.message.includes('Command timed out')) suspectFrozen();
        throw isRedisUnavailable(error) ? new ServiceUnavailableError('redis', error) : error;
      }
    };
  }
  return guarded as unknown as StoreBackend;
}
