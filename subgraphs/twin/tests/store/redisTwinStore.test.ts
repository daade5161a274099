import { services, uniqueName } from '@bst/testing';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createRedisTwinStore } from '../../src/store/index.ts';
import { describeTwinStoreContract } from './twinStoreContract.ts';

const prefixes: string[] = [];
function uniquePrefix(): string {
  const prefix = uniqueName('twin_store');
  prefixes.push(prefix);
  return prefix;
}

describeTwinStoreContract({
  adapter: 'redis',
  createStore: (options) => createRedisTwinStore({ ...options, redis: services.redisUrl }),
  uniquePrefix,
  durable: true,
});

it('holds one Redis subscription per channel however many listeners share it', async () => {
  const store = createRedisTwinStore({ redis: services.redisUrl, prefix: uniquePrefix() });
  const admin = new Redis(services.redisUrl);
  const subscribers = async () => Number(((await admin.pubsub('NUMSUB', store.channels.alertEvents)) as unknown[])[1]);
  try {
    const heard: number[] = [];
    const stops = await Promise.all([1, 2, 3].map((n) => store.subscribeAlertEvents(() => heard.push(n))));
    expect(await subscribers()).toBe(1);
    await stops[0]?.();
    await stops[1]?.();
    expect(await subscribers()).toBe(1);
    await stops[2]?.();
    for (let i = 0; i < 50 && (await subscribers()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await subscribers()).toBe(0);
  } finally {
    admin.disconnect();
    await store.clear();
    await store.close();
  }
});

it('releases the subscription of an alert follower stopped before it was ever read', async () => {
  const store = createRedisTwinStore({ redis: services.redisUrl, prefix: uniquePrefix() });
  const admin = new Redis(services.redisUrl);
  const subscribers = async () => Number(((await admin.pubsub('NUMSUB', store.channels.alertEvents)) as unknown[])[1]);
  try {
    const follower = await store.followAlertEvents();
    expect(await subscribers()).toBe(1);
    await follower.return();
    for (let i = 0; i < 50 && (await subscribers()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await subscribers()).toBe(0);
  } finally {
    admin.disconnect();
    await store.clear();
    await store.close();
  }
});

it('leaves no key behind after clear()', async () => {
  const redis = new Redis(services.redisUrl);
  try {
    for (const prefix of prefixes) expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

afterAll(() => {
  prefixes.length = 0;
});
