import { join, resolve } from 'node:path';
import { defineConfig, flag, loadConfig, oneOf, optionalInteger, port, secret, text, url } from '@bst/service-kit';
import { archiveVariables } from '@bst/twin';
import { defaultPorts, type PlatformOptions, type PlatformPorts } from './startPlatform.ts';

/** The setting that moves each port, for messages such as "port 4000 is in use". */
export const portSettings: Readonly<Record<keyof PlatformPorts, string>> = {
  gateway: 'GATEWAY_PORT',
  core: 'CORE_PORT',
  twin: 'TWIN_PORT',
  mqtt: 'MQTT_PORT',
};

export const platformConfig = defineConfig({
  service: 'platform',
  variables: {
    // The embedded platform prints ready-made tokens and admits anonymous viewers: it runs in dev auth mode only.
    AUTH_MODE: oneOf(['dev', 'jwt'], 'jwt'),
    GATEWAY_PORT: port(defaultPorts.gateway),
    CORE_PORT: port(defaultPorts.core),
    TWIN_PORT: port(defaultPorts.twin),
    MQTT_PORT: port(defaultPorts.mqtt),
    HOST: text().optional(),
    DATABASE_URL: url(['postgres', 'postgresql']).optional(),
    // Everything the embedded platform keeps: core's PGlite in core/, the twin store's journal in twin/, the twin's
    // archive (its own PGlite) in archive/.
    DATA_DIR: text(1024).default('.data'),
    PGLITE_DIR: text(1024).optional(),
    TWIN_DATA_DIR: text(1024).optional(),
    ARCHIVE_DIR: text(1024).optional(),
    TWIN_ARCHIVE_RETENTION_YEARS: archiveVariables.TWIN_ARCHIVE_RETENTION_YEARS,
    REDIS_URL: url(['redis', 'rediss']).optional(),
    MQTT_URL: url(['mqtt', 'mqtts', 'ws', 'wss', 'tcp']).optional(),
    JWT_SECRET: secret().optional(),
    GATEWAY_SHARED_SECRET: secret().optional(),
    BRIDGE_CLIENT_ID: text(128).optional(),
    SIMULATOR: oneOf(['on', 'off'], 'on'),
    SIM_INTERVAL_MS: optionalInteger({ min: 10, max: 3_600_000 }),
    SIM_SCENARIO: text().optional(),
    SIM_BACKFILL_HOURS: optionalInteger({ min: 0, max: 720 }),
    SUPERGRAPH_WATCH: flag(false),
  },
  check: (present) =>
    present.AUTH_MODE === 'dev'
      ? []
      : [
          {
            variable: 'AUTH_MODE',
            problem: 'must be dev: the embedded platform runs in dev auth mode only (npm start sets it)',
          },
        ],
  build: (env): PlatformOptions => ({
    ports: {
      gateway: env.GATEWAY_PORT,
      core: env.CORE_PORT,
      twin: env.TWIN_PORT,
      mqtt: env.MQTT_PORT,
    },
    ...(env.HOST ? { host: env.HOST } : {}),
    ...(env.DATABASE_URL
      ? { databaseUrl: env.DATABASE_URL }
      : { pgliteDir: resolve(env.PGLITE_DIR ?? join(env.DATA_DIR, 'core')) }),
    ...(env.REDIS_URL
      ? { redisUrl: env.REDIS_URL }
      : { twinDataDir: resolve(env.TWIN_DATA_DIR ?? join(env.DATA_DIR, 'twin')) }),
    // With a real Postgres the archive is its `twin` schema there.
    ...(env.DATABASE_URL ? {} : { archiveDir: resolve(env.ARCHIVE_DIR ?? join(env.DATA_DIR, 'archive')) }),
    archiveRetentionYears: env.TWIN_ARCHIVE_RETENTION_YEARS,
    ...(env.MQTT_URL ? { mqttUrl: env.MQTT_URL } : {}),
    ...(env.JWT_SECRET ? { jwtSecret: env.JWT_SECRET } : {}),
    ...(env.GATEWAY_SHARED_SECRET ? { gatewaySecret: env.GATEWAY_SHARED_SECRET } : {}),
    ...(env.BRIDGE_CLIENT_ID ? { bridgeClientId: env.BRIDGE_CLIENT_ID } : {}),
    simulator:
      env.SIMULATOR === 'off'
        ? false
        : {
            ...(env.SIM_INTERVAL_MS === undefined ? {} : { intervalMs: env.SIM_INTERVAL_MS }),
            ...(env.SIM_SCENARIO ? { scenario: env.SIM_SCENARIO } : {}),
            ...(env.SIM_BACKFILL_HOURS === undefined ? {} : { backfillHours: env.SIM_BACKFILL_HOURS }),
          },
    watchSupergraph: env.SUPERGRAPH_WATCH,
  }),
});

/**
 * `npm start` settings, validated once at start: DATABASE_URL, REDIS_URL, MQTT_URL choose real services (else PGlite
 * in DATA_DIR/core, the in-memory twin store kept in DATA_DIR/twin, the twin's archive on PGlite in DATA_DIR/archive
 * (ARCHIVE_DIR; TWIN_ARCHIVE_RETENTION_YEARS), aedes on MQTT_PORT); GATEWAY_PORT (also serves
 * the dashboard), CORE_PORT, TWIN_PORT; HOST; the dev secrets' overrides; BRIDGE_CLIENT_ID; SIMULATOR=off,
 * SIM_INTERVAL_MS, SIM_SCENARIO, SIM_BACKFILL_HOURS (first start). AUTH_MODE=dev is required.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformOptions {
  return loadConfig(platformConfig, env);
}
