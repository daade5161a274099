import { Cluster, Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { createRedisTestPrefix, startRedisCluster } from '../src/index.ts';

it('starts a 3-master Redis Cluster that serves every slot, and removes it on stop', async () => {
  const cluster = await startRedisCluster();
  const client = new Cluster(cluster.nodes);
  try {
    expect(cluster.nodes).toHaveLength(3);
    // Slots 15495, 3300 and 7365: one in each master's third of the slot space.
    for (const key of ['a', 'b', 'c']) await client.set(key, key);
    expect(await client.get('c')).toBe('c');
    const masters = client.nodes('master');
    expect(masters).toHaveLength(3);
    expect(await Promise.all(masters.map((node) => node.dbsize()))).toEqual([1, 1, 1]);
    process.env.TEST_REDIS_CLUSTER_NODES = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',');
    const prefix = createRedisTestPrefix('cluster_cleanup');
    expect(prefix.target).toEqual({ clusterNodes: cluster.nodes });
    for (const tag of ['a', 'b', 'c', 'd']) await client.set(`${prefix.prefix}:{${tag}}:key`, tag);
    expect(await prefix.cleanup()).toBe(4);
    expect(await Promise.all(masters.map((node) => node.dbsize()))).toEqual([1, 1, 1]);
  } finally {
    delete process.env.TEST_REDIS_CLUSTER_NODES;
    await client.quit();
    await cluster.stop();
  }
  const probe = new Redis({ port: cluster.nodes[0]?.port, lazyConnect: true, retryStrategy: null });
  probe.on('error', () => {});
  await expect(probe.connect()).rejects.toThrow();
  probe.disconnect();
});
