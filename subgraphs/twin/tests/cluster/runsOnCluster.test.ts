import { createRedisTestPrefix } from '@bst/testing';
import { Cluster } from 'ioredis';
import { expect, it } from 'vitest';
import { createRedisTwinStore } from '../../src/store/index.ts';

it('runs the twin suites of this project on a 3-master Redis Cluster, with a store spread over every master', async () => {
  const redis = createRedisTestPrefix('twin_on_cluster');
  if (!('clusterNodes' in redis.target)) throw new Error('TEST_REDIS_CLUSTER_NODES is not set for this project');
  const cluster = new Cluster(redis.target.clusterNodes);
  const store = createRedisTwinStore({ redis: redis.target, prefix: redis.prefix });
  try {
    expect(await cluster.cluster('INFO')).toContain('cluster_state:ok');
    const masters = cluster.nodes('master');
    expect(masters).toHaveLength(3);
    for (let i = 0; i < 48; i++) {
      const at = Date.UTC(2026, 0, 1) + i * 60_000;
      const entity = { entityType: 'CONTAINER' as const, code: `BOX-${i}` };
      const reading = { at, receivedAt: at, temperatureC: 5, humidityPct: 50 };
      await store.commitReading({
        entity,
        reading,
        live: { ...entity, ...reading, lat: null, lng: null, status: null, registered: false },
      });
    }
    const keysPerMaster = await Promise.all(masters.map((node) => node.keys(`${redis.prefix}:*`)));
    for (const keys of keysPerMaster) expect(keys.length).toBeGreaterThan(0);
  } finally {
    await store.close();
    cluster.disconnect();
    await redis.cleanup();
  }
});
