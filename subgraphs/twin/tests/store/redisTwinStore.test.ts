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
