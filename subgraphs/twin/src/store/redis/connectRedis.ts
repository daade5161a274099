import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

export interface RedisNode {
  host: string;
  port: number;
}

/** One Redis (`REDIS_URL`) or a Redis Cluster (`REDIS_CLUSTER_NODES`): the store runs unchanged on either. */
export type RedisTarget = { url: string } | { clusterNodes: RedisNode[] };

export type RedisClient = Redis | Cluster;

/** How the store's connections behave while Redis is away (REDIS_COMMAND_TIMEOUT_MS, REDIS_RECONNECT_MAX_MS). */
export interface RedisConnectionSettings {
  /** A command without an answer in this time fails (Redis stopped, a partition): no request waits longer. */
  commandTimeoutMs?: number;
  /** Reconnect attempts back off from 50 ms up to this, so Redis coming back is noticed within it. */
  reconnectMaxDelayMs?: number;
}

export const defaultRedisConnectionSettings: Required<RedisConnectionSettings> = {
  commandTimeoutMs: 2000,
  reconnectMaxDelayMs: 1000,
};

function nodeOptions(settings: Required<RedisConnectionSettings>): RedisOptions {
  return {
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: Math.max(1000, settings.commandTimeoutMs),
    // A socket that got no byte for this long while a command waits is dropped and reconnected: a Redis that froze
    // (SIGSTOP, a paused VM) or a partition keeps the socket open, and without this every command would be written
    // into it and time out one by one, with the connection still "ready". Twice the command timeout, so one slow
    // command fails alone without cutting the others sharing the connection.
    socketTimeout: 2 * settings.commandTimeoutMs,
    // A command queued while disconnected fails at the first failed reconnect instead of after twenty.
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), settings.reconnectMaxDelayMs),
  };
}

/**
 * Connects with auto-pipelining: concurrent commands (several bridge lanes, a fan-out over partitions) share one
 * write and one round trip per connection, per node on a cluster. Commands are bounded in time and reconnects capped
 * (`RedisConnectionSettings`), so an outage makes requests fail fast and recovery is noticed within a second.
 */
export function connectRedis(target: RedisTarget, settings: RedisConnectionSettings = {}): RedisClient {
  const resolved = { ...defaultRedisConnectionSettings, ...settings };
  if ('url' in target) return new Redis(target.url, { enableAutoPipelining: true, ...nodeOptions(resolved) });
  const cluster: ClusterOptions = {
    enableAutoPipelining: true,
    redisOptions: nodeOptions(resolved),
    clusterRetryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), resolved.reconnectMaxDelayMs),
  };
  return new Cluster(target.clusterNodes, cluster);
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
