import { Cluster, Redis } from 'ioredis';
import { services } from './services.ts';
import { uniqueName } from './uniqueName.ts';

/** Where a suite's store connects: the standard Redis, or the cluster named by TEST_REDIS_CLUSTER_NODES. */
export type RedisTestTarget = { url: string } | { clusterNodes: { host: string; port: number }[] };

export interface RedisTestPrefix {
  prefix: string;
  url: string;
  /** `{ url }`, or `{ clusterNodes }` when TEST_REDIS_CLUSTER_NODES is set, so a suite can run on a cluster unchanged. */
  target: RedisTestTarget;
  /** Deletes every key under the prefix (call in afterAll/afterEach). */
  cleanup(): Promise<number>;
}

function clusterNodes(): { host: string; port: number }[] | null {
  const value = process.env.TEST_REDIS_CLUSTER_NODES;
  if (!value) return null;
  return value.split(',').map((entry) => {
    const colon = entry.lastIndexOf(':');
    return { host: entry.slice(0, colon), port: Number(entry.slice(colon + 1)) };
  });
}

async function deleteUnder(node: Redis, prefix: string, oneByOne: boolean): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    // A cluster node refuses a multi-key command across slots.
    if (oneByOne) for (const key of keys) deleted += await node.unlink(key);
    else deleted += await node.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** A key prefix no parallel suite uses on the real Redis (or cluster), and a way to leave nothing behind. */
export function createRedisTestPrefix(label: string): RedisTestPrefix {
  const prefix = uniqueName(label);
  const nodes = clusterNodes();
  return {
    prefix,
    url: services.redisUrl,
    target: nodes ? { clusterNodes: nodes } : { url: services.redisUrl },
    async cleanup() {
      if (nodes) {
        const cluster = new Cluster(nodes);
        try {
          await cluster.ping();
          const counts = await Promise.all(cluster.nodes('master').map((node) => deleteUnder(node, prefix, true)));
          return counts.reduce((sum, n) => sum + n, 0);
        } finally {
          cluster.disconnect();
        }
      }
      const redis = new Redis(services.redisUrl);
      try {
        return await deleteUnder(redis, prefix, false);
      } finally {
        redis.disconnect();
      }
    },
  };
}
