import { applyReading, initialState, type MonitorState, REORDER_HORIZON } from '@bst/coldchain';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { services, uniqueName } from '@bst/testing';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createRedisTwinStore, entityKey, storeKeys } from '../../src/store/index.ts';
import { box, liveOf, t0 } from './contract/fixtures.ts';
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

it('reads and moves on from an engine state written whole, its horizon inside its JSON (before the horizon had its key)', async () => {
  const store = createRedisTwinStore({ redis: services.redisUrl, prefix: uniquePrefix() });
  const admin = new Redis(services.redisUrl);
  const profile = refrigeratedProfile();
  const readingAt = (minute: number) => ({
    at: t0 + minute * 60_000,
    receivedAt: t0 + minute * 60_000 + 5,
    temperatureC: 4 + (minute % 7) * 0.3,
    humidityPct: null,
  });
  try {
    await store.ready();
    let old: MonitorState = initialState();
    for (let minute = 0; minute < REORDER_HORIZON + 5; minute++)
      old = applyReading(old, readingAt(minute), profile).state;
    const key = entityKey(box);
    const monitorKey = storeKeys(store.prefix, store.partitions).ofEntity(key).monitor(key);
    await admin.hset(monitorKey, 'version', '7', 'state', JSON.stringify(old));
    expect(await store.monitor(box)).toEqual({ version: 7, state: old });
    const stale = { expectedVersion: 6, state: old, from: old, events: [], nextCheckAt: null };
    expect(await store.commitTick({ entity: box, ...stale })).toEqual({
      status: 'conflict',
      current: { version: 7, state: old },
    });
    const late = readingAt(REORDER_HORIZON - 0.5);
    const next = applyReading(old, late, profile).state;
    const monitor = { expectedVersion: 7, state: next, from: old, events: [], nextCheckAt: null };
    expect(await store.commitReading({ entity: box, reading: late, live: liveOf(box, late), monitor })).toMatchObject({
      status: 'stored',
    });
    expect(await store.monitor(box)).toEqual({ version: 8, state: next });
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
