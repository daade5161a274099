import { type RedisClusterFixture, startRedisCluster, uniqueName } from '@bst/testing';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisTwinStore } from '../../src/store/index.ts';
import { describeTwinStoreContract } from './twinStoreContract.ts';

let cluster: RedisClusterFixture;
const prefixes: string[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);

afterAll(async () => {
  await cluster.stop();
});

describeTwinStoreContract({
  adapter: 'redis cluster',
  createStore: (options) => createRedisTwinStore({ ...options, redis: { clusterNodes: cluster.nodes } }),
  uniquePrefix: () => {
    const prefix = uniqueName('twin_store');
    prefixes.push(prefix);
    return prefix;
  },
  durable: true,
});

it('spreads the partitions over every master and leaves no key behind after clear()', async () => {
  const client = new Cluster(cluster.nodes);
  try {
    const store = createRedisTwinStore({ redis: client, prefix: uniqueName('twin_store_spread') });
    await store.commitReadings(
      Array.from({ length: 64 }, (_, i) => {
        const at = Date.UTC(2025, 0, 1) + i;
        const entity = { entityType: 'CONTAINER' as const, code: `BOX-${i}` };
        return {
          entity,
          reading: { at, receivedAt: at, temperatureC: 4, humidityPct: 50 },
          live: {
            ...entity,
            at,
            receivedAt: at,
            temperatureC: 4,
            humidityPct: 50,
            lat: null,
            lng: null,
            status: null,
            registered: true,
          },
        };
      }),
    );
    const masters = client.nodes('master');
    expect(masters).toHaveLength(3);
    for (const node of masters) expect(await node.dbsize()).toBeGreaterThan(0);
    await store.clear();
    await store.close();
    for (const node of masters) {
      for (const prefix of [...prefixes, store.prefix]) expect(await node.keys(`${prefix}:*`)).toEqual([]);
    }
  } finally {
    await client.quit();
  }
});
