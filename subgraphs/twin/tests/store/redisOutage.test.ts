import { ServiceUnavailableError } from '@bst/service-kit';
import { type RedisServer, startRedisServer, uniqueName } from '@bst/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisTwinStore, type LiveState, type TwinStore } from '../../src/store/index.ts';

describe('the Redis twin store while Redis is away', () => {
  let redis: RedisServer;
  let store: TwinStore;

  beforeAll(async () => {
    redis = await startRedisServer();
    store = createRedisTwinStore({
      redis: redis.url,
      prefix: uniqueName('outage'),
      connection: { commandTimeoutMs: 500 },
    });
    await store.ready();
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  it('fails at once with ServiceUnavailableError, says so on ping, and recovers with its subscriptions by itself', async () => {
    const heard: LiveState[] = [];
    await store.subscribeLiveState((live) => heard.push(live));
    await store.ping();
    await redis.kill();

    const started = Date.now();
    const failure = await store.ingestStats().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect(Date.now() - started).toBeLessThan(1500);
    await expect(store.ping()).rejects.toThrow();

    await redis.restart();
    const restarted = Date.now();
    await expect
      .poll(
        () =>
          store.ping().then(
            () => true,
            () => false,
          ),
        { timeout: 5000, interval: 100 },
      )
      .toBe(true);
    expect(Date.now() - restarted).toBeLessThan(5000);
    expect((await store.ingestStats()).accepted).toBe(0);

    // The pub/sub connection resubscribed: a message published now is heard.
    const publisher = new Redis(redis.url);
    try {
      await expect
        .poll(
          async () => {
            await publisher.publish(store.channels.liveState, JSON.stringify({ code: 'BOX-1' }));
            return heard.length;
          },
          { timeout: 5000, interval: 200 },
        )
        .toBeGreaterThan(0);
    } finally {
      publisher.disconnect();
    }
  });

  it('fails within the command timeout while Redis is frozen (SIGSTOP), subscribing included, and recovers after SIGCONT', async () => {
    const heard: LiveState[] = [];
    const before = await store.subscribeLiveState((live) => heard.push(live));
    await store.ping();
    redis.pause();
    try {
      const failures: unknown[] = [];
      const started = Date.now();
      const [stats, subscription, ping] = await Promise.allSettled([
        store.ingestStats(),
        // A subscription opened while Redis is frozen: its SUBSCRIBE times out (once, this crashed the process).
        store.subscribeAlertEvents(() => {}),
        store.ping(),
      ]);
      for (const outcome of [stats, subscription, ping]) {
        if (outcome.status === 'rejected') failures.push(outcome.reason);
      }
      expect(failures).toHaveLength(3);
      expect(failures[0]).toBeInstanceOf(ServiceUnavailableError);
      expect(failures[1]).toBeInstanceOf(ServiceUnavailableError);
      expect(Date.now() - started).toBeLessThan(1500);
      // Once the socket timeout dropped the frozen connection, calls fail at once.
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const again = Date.now();
      await expect(store.ingestStats()).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect(Date.now() - again).toBeLessThan(100);
    } finally {
      redis.resume();
    }
    const resumed = Date.now();
    await expect
      .poll(
        () =>
          store.ping().then(
            () => true,
            () => false,
          ),
        { timeout: 5000, interval: 100 },
      )
      .toBe(true);
    expect(Date.now() - resumed).toBeLessThan(5000);
    const after = await store.subscribeAlertEvents(() => {});
    const publisher = new Redis(redis.url);
    try {
      await expect
        .poll(
          async () => {
            await publisher.publish(store.channels.liveState, JSON.stringify({ code: 'BOX-2' }));
            return heard.some((live) => (live as { code?: string }).code === 'BOX-2');
          },
          { timeout: 5000, interval: 200 },
        )
        .toBe(true);
    } finally {
      publisher.disconnect();
      await after();
      await before();
    }
  });
});
