import { Cluster, Redis } from 'ioredis';

export interface RedisNode {
  host: string;
  port: number;
}

/** One Redis (`REDIS_URL`) or a Redis Cluster (`REDIS_CLUSTER_NODES`): the store runs unchanged on either. */
export type RedisTarget = { url: string } | { clusterNodes: RedisNode[] };

export type RedisClient = Redis | Cluster;

/**
 * Connects with auto-pipelining: concurrent commands (several bridge lanes, a fan-out over partitions) share one
 * write and one round trip per connection, per node on a cluster.
 */
export function connectRedis(target: RedisTarget): RedisClient {
  if ('url' in target) return new Redis(target.url, { enableAutoPipelining: true });
  return new Cluster(target.clusterNodes, { enableAutoPipelining: true });
}

/** `host:port,host:port,…` as REDIS_CLUSTER_NODES gives them; throws naming the variable on a malformed entry. */
export function parseRedisNodes(value: string, name = 'REDIS_CLUSTER_NODES'): RedisNode[] {
  const nodes = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.lastIndexOf(':');
      const port = Number(entry.slice(colon + 1));
      if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
        throw new Error(`${name} must be host:port[,host:port…], got "${entry}"`);
      }
      return { host: entry.slice(0, colon), port };
    });
  if (nodes.length === 0) throw new Error(`${name} names no node`);
  return nodes;
}
