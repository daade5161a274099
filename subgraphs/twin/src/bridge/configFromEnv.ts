import { hostname } from 'node:os';
import {
  defineConfig,
  type GatewayTrust,
  gatewayTrust,
  gatewayTrustVariables,
  integer,
  type LogLevel,
  loadConfig,
  logLevelVariables,
  oneOf,
  optionalInteger,
  port,
  text,
  url,
} from '@bst/service-kit';
import { type ArchiveConfig, archiveConfig, archiveVariables } from '../archive/configFromEnv.ts';
import { type TwinStoreConfig, twinStoreConfig, twinStoreVariables } from '../store/index.ts';

export interface BridgeConfig {
  mqttUrl: string;
  mqttUsername?: string;
  mqttPassword?: string;
  protocolVersion: 4 | 5;
  topicPrefix: string;
  /** Replicas with the same group share one subscription (`$share/{group}/...`). */
  group: string | null;
  clientId: string;
  /** REDIS_URL or REDIS_CLUSTER_NODES and the TWIN_STORE_* settings (store/README.md). */
  store: TwinStoreConfig;
  /** ARCHIVE_DATABASE_URL: a reading older than the hot window is replayed from the archive; null = hot window only. */
  archive: ArchiveConfig | null;
  coreGraphUrl: string;
  catalogPollMs?: number;
  schedulerIntervalMs?: number;
  /** MQTT 5 receive maximum: how many unacknowledged messages the broker may have in flight to this bridge. */
  receiveMaximum?: number;
  /** Event times older than this before receipt are dead-lettered `too_old`. */
  maxEventAgeMs: number;
  /** Group commit: readings per store call and store calls in flight. */
  groupCommit: { maxBatch?: number; maxInFlight?: number };
  healthPort: number;
  host: string;
  /** Seals the bridge's own identity for core's catalog queries. */
  trust: GatewayTrust;
  /** LOG_LEVEL: the least severe level written (pino). */
  logLevel: LogLevel;
}

export const bridgeConfig = defineConfig({
  service: 'twin-bridge',
  variables: {
    ...logLevelVariables,
    MQTT_URL: url(['mqtt', 'mqtts', 'ws', 'wss', 'tcp']).default('mqtt://127.0.0.1:1883'),
    MQTT_USERNAME: text().optional(),
    MQTT_PASSWORD: text(1024).optional(),
    MQTT_PROTOCOL_VERSION: oneOf(['4', '5'], '5'),
    MQTT_TOPIC_PREFIX: text().default('bio_supply'),
    BRIDGE_GROUP: text().optional(),
    BRIDGE_CLIENT_ID: text(128).optional(),
    ...twinStoreVariables,
    ...archiveVariables,
    CORE_GRAPH_URL: url(['http', 'https']).default('http://127.0.0.1:4001/graphql'),
    CATALOG_POLL_MS: optionalInteger({ min: 50, max: 3_600_000 }),
    SCHEDULER_INTERVAL_MS: optionalInteger({ min: 50, max: 3_600_000 }),
    BRIDGE_RECEIVE_MAXIMUM: optionalInteger({ min: 1, max: 65_535 }),
    BRIDGE_COMMIT_MAX_BATCH: optionalInteger({ min: 1, max: 10_000 }),
    BRIDGE_COMMITS_IN_FLIGHT: optionalInteger({ min: 1, max: 1000 }),
    BRIDGE_MAX_EVENT_AGE_DAYS: integer({ min: 1, max: 36_500, fallback: 365 }),
    BRIDGE_HEALTH_PORT: port(4003),
    HOST: text().default('0.0.0.0'),
    ...gatewayTrustVariables,
  },
  requiredUnlessDev: ['GATEWAY_SHARED_SECRET'],
  build: (env): BridgeConfig => ({
    logLevel: env.LOG_LEVEL,
    mqttUrl: env.MQTT_URL,
    ...(env.MQTT_USERNAME ? { mqttUsername: env.MQTT_USERNAME } : {}),
    ...(env.MQTT_PASSWORD ? { mqttPassword: env.MQTT_PASSWORD } : {}),
    protocolVersion: env.MQTT_PROTOCOL_VERSION === '4' ? 4 : 5,
    topicPrefix: env.MQTT_TOPIC_PREFIX,
    group: env.BRIDGE_GROUP ?? null,
    // The same default as before, so an upgrade keeps the session; bst-* ids are reserved in mosquitto/ for the platform.
    clientId: env.BRIDGE_CLIENT_ID ?? `bst-twin-bridge-${hostname()}`,
    store: twinStoreConfig(env, { redisUrl: 'redis://127.0.0.1:6379' }),
    archive: archiveConfig(env),
    coreGraphUrl: env.CORE_GRAPH_URL,
    ...(env.CATALOG_POLL_MS === undefined ? {} : { catalogPollMs: env.CATALOG_POLL_MS }),
    ...(env.SCHEDULER_INTERVAL_MS === undefined ? {} : { schedulerIntervalMs: env.SCHEDULER_INTERVAL_MS }),
    ...(env.BRIDGE_RECEIVE_MAXIMUM === undefined ? {} : { receiveMaximum: env.BRIDGE_RECEIVE_MAXIMUM }),
    maxEventAgeMs: env.BRIDGE_MAX_EVENT_AGE_DAYS * 24 * 3600_000,
    groupCommit: {
      ...(env.BRIDGE_COMMIT_MAX_BATCH === undefined ? {} : { maxBatch: env.BRIDGE_COMMIT_MAX_BATCH }),
      ...(env.BRIDGE_COMMITS_IN_FLIGHT === undefined ? {} : { maxInFlight: env.BRIDGE_COMMITS_IN_FLIGHT }),
    },
    healthPort: env.BRIDGE_HEALTH_PORT,
    host: env.HOST,
    trust: gatewayTrust(env),
  }),
});

/** `npm run start:bridge` settings, validated once at start. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): BridgeConfig {
  return loadConfig(bridgeConfig, env);
}
