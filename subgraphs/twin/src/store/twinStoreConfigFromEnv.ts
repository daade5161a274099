import type { TwinStoreConfig } from './openTwinStore.ts';
import { maxPartitions } from './partitioning.ts';
import { parseRedisNodes } from './redis/connectRedis.ts';

function positive(env: NodeJS.ProcessEnv, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!(parsed > 0) || parsed > max) throw new Error(`${name} must be a positive number up to ${max}, got "${value}"`);
  return parsed;
}

/**
 * The store's settings from the environment: REDIS_CLUSTER_NODES (host:port,…) or REDIS_URL, else `fallback.redisUrl`,
 * else the memory store (kept in `fallback.dataDir` when given); TWIN_STORE_PREFIX, TWIN_STORE_PARTITIONS,
 * TWIN_HOT_WINDOW_HOURS, TWIN_HISTORY_MAX_READINGS, TWIN_ALERT_STREAM_HOURS, TWIN_ALERT_STREAM_MAX_LENGTH,
 * TWIN_OUTBOX=off. Throws naming the variable that is malformed.
 */
export function twinStoreConfigFromEnv(
  env: NodeJS.ProcessEnv,
  fallback: { redisUrl?: string; dataDir?: string } = {},
): TwinStoreConfig {
  const config: TwinStoreConfig = {};
  if (env.REDIS_CLUSTER_NODES) config.redis = { clusterNodes: parseRedisNodes(env.REDIS_CLUSTER_NODES) };
  else if (env.REDIS_URL || fallback.redisUrl) config.redis = { url: (env.REDIS_URL || fallback.redisUrl) as string };
  else if (fallback.dataDir) config.dataDir = fallback.dataDir;
  if (env.TWIN_STORE_PREFIX) config.prefix = env.TWIN_STORE_PREFIX;
  const partitions = positive(env, 'TWIN_STORE_PARTITIONS', maxPartitions);
  if (partitions !== undefined) {
    if (!Number.isInteger(partitions)) throw new Error(`TWIN_STORE_PARTITIONS must be an integer, got "${partitions}"`);
    config.partitions = partitions;
  }
  const hotWindowHours = positive(env, 'TWIN_HOT_WINDOW_HOURS');
  const maxReadings = positive(env, 'TWIN_HISTORY_MAX_READINGS');
  config.retention = {
    ...(hotWindowHours === undefined ? {} : { maxAgeMs: hotWindowHours * 3600_000 }),
    ...(maxReadings === undefined ? {} : { maxReadings: Math.floor(maxReadings) }),
  };
  const streamHours = positive(env, 'TWIN_ALERT_STREAM_HOURS');
  const streamLength = positive(env, 'TWIN_ALERT_STREAM_MAX_LENGTH');
  config.alertStream = {
    ...(streamHours === undefined ? {} : { maxAgeMs: streamHours * 3600_000 }),
    ...(streamLength === undefined ? {} : { maxLength: Math.floor(streamLength) }),
  };
  if (env.TWIN_OUTBOX !== undefined && env.TWIN_OUTBOX !== '') {
    if (env.TWIN_OUTBOX !== 'on' && env.TWIN_OUTBOX !== 'off') {
      throw new Error(`TWIN_OUTBOX must be "on" or "off", got "${env.TWIN_OUTBOX}"`);
    }
    config.outbox = env.TWIN_OUTBOX === 'on';
  }
  return config;
}
