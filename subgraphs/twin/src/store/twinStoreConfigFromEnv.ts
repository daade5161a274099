import { defineConfig, integer, loadConfig, oneOf, optionalInteger, text } from '@bst/service-kit';
import { z } from 'zod';
import type { TwinStoreConfig } from './openTwinStore.ts';
import { maxPartitions } from './partitioning.ts';
import { defaultRedisConnectionSettings, parseRedisNodes, type RedisNode } from './redis/connectRedis.ts';

const redisUrl = z
  .string()
  .refine((raw) => /^rediss?:\/\/./.test(raw), { message: 'must be a redis:// or rediss:// URL' });

const clusterNodes = z.string().transform((raw, ctx): RedisNode[] => {
  try {
    return parseRedisNodes(raw);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error), input: raw });
    return z.NEVER;
  }
});

/**
 * The twin store's variables, one zod schema each, for every service that opens the store (twin subgraph, bridge,
 * archiver): REDIS_CLUSTER_NODES (host:port,…) or REDIS_URL; TWIN_STORE_PREFIX, TWIN_STORE_PARTITIONS,
 * TWIN_HOT_WINDOW_HOURS, TWIN_HISTORY_MAX_READINGS, TWIN_ALERT_STREAM_HOURS, TWIN_ALERT_STREAM_MAX_LENGTH,
 * TWIN_ENDED_ALERT_MINUTES, TWIN_OUTBOX;
 * REDIS_COMMAND_TIMEOUT_MS and REDIS_RECONNECT_MAX_MS (how the connections behave during an outage).
 */
export const twinStoreVariables = {
  REDIS_URL: redisUrl.optional(),
  REDIS_CLUSTER_NODES: clusterNodes.optional(),
  TWIN_STORE_PREFIX: text().optional(),
  TWIN_STORE_PARTITIONS: optionalInteger({ min: 1, max: maxPartitions }),
  TWIN_HOT_WINDOW_HOURS: optionalInteger({ min: 1, max: 24 * 366 }),
  TWIN_HISTORY_MAX_READINGS: optionalInteger({ min: 1 }),
  TWIN_ALERT_STREAM_HOURS: optionalInteger({ min: 1, max: 24 * 366 }),
  TWIN_ALERT_STREAM_MAX_LENGTH: optionalInteger({ min: 1 }),
  TWIN_ENDED_ALERT_MINUTES: optionalInteger({ min: 1, max: 60 * 24 * 366 }),
  TWIN_OUTBOX: oneOf(['on', 'off'], 'on'),
  REDIS_COMMAND_TIMEOUT_MS: integer({
    min: 100,
    max: 60_000,
    fallback: defaultRedisConnectionSettings.commandTimeoutMs,
  }),
  REDIS_RECONNECT_MAX_MS: integer({
    min: 50,
    max: 60_000,
    fallback: defaultRedisConnectionSettings.reconnectMaxDelayMs,
  }),
};

type TwinStoreEnv = z.output<z.ZodObject<typeof twinStoreVariables>>;

/**
 * The store from validated variables: a cluster over one Redis, one Redis over `fallback.redisUrl`, else the memory
 * store (kept in `fallback.dataDir` when given).
 */
export function twinStoreConfig(
  env: TwinStoreEnv,
  fallback: { redisUrl?: string; dataDir?: string } = {},
): TwinStoreConfig {
  const config: TwinStoreConfig = {};
  const url = env.REDIS_URL ?? fallback.redisUrl;
  if (env.REDIS_CLUSTER_NODES) config.redis = { clusterNodes: env.REDIS_CLUSTER_NODES };
  else if (url) config.redis = { url };
  else if (fallback.dataDir) config.dataDir = fallback.dataDir;
  if (env.TWIN_STORE_PREFIX) config.prefix = env.TWIN_STORE_PREFIX;
  if (env.TWIN_STORE_PARTITIONS !== undefined) config.partitions = env.TWIN_STORE_PARTITIONS;
  config.retention = {
    ...(env.TWIN_HOT_WINDOW_HOURS === undefined ? {} : { maxAgeMs: env.TWIN_HOT_WINDOW_HOURS * 3600_000 }),
    ...(env.TWIN_HISTORY_MAX_READINGS === undefined ? {} : { maxReadings: env.TWIN_HISTORY_MAX_READINGS }),
  };
  config.alertStream = {
    ...(env.TWIN_ALERT_STREAM_HOURS === undefined ? {} : { maxAgeMs: env.TWIN_ALERT_STREAM_HOURS * 3600_000 }),
    ...(env.TWIN_ALERT_STREAM_MAX_LENGTH === undefined ? {} : { maxLength: env.TWIN_ALERT_STREAM_MAX_LENGTH }),
  };
  if (env.TWIN_ENDED_ALERT_MINUTES !== undefined)
    config.endedAlerts = { keepMs: env.TWIN_ENDED_ALERT_MINUTES * 60_000 };
  if (env.TWIN_OUTBOX === 'off') config.outbox = false;
  if (config.redis) {
    config.connection = {
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
      reconnectMaxDelayMs: env.REDIS_RECONNECT_MAX_MS,
    };
  }
  return config;
}

/** The store's settings alone (tests, tools); services include `twinStoreVariables` in their own schema. */
export function twinStoreConfigFromEnv(
  env: NodeJS.ProcessEnv,
  fallback: { redisUrl?: string; dataDir?: string } = {},
): TwinStoreConfig {
  return loadConfig(
    defineConfig({ service: 'twin-store', variables: twinStoreVariables, build: (e) => twinStoreConfig(e, fallback) }),
    env,
  );
}
