import { dirname, join, resolve } from 'node:path';
import { defaultPorts, type PlatformOptions, type PlatformPorts } from './startPlatform.ts';

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
    throw new Error(`${name} must be a port, got "${value}"`);
  return parsed;
}

/**
 * `npm start` settings: DATABASE_URL, REDIS_URL, MQTT_URL choose real services (else PGlite under PGLITE_DIR or
 * `.data/core`, the in-memory twin store kept in TWIN_DATA_DIR or PGLITE_DIR's sibling `twin`, the twin's archive on
 * PGlite in ARCHIVE_DIR or PGLITE_DIR's sibling `archive`, aedes on MQTT_PORT); TWIN_ARCHIVE_RETENTION_YEARS;
 * GATEWAY_PORT, CORE_PORT, TWIN_PORT, DASHBOARD_PORT;
 * HOST; JWT_SECRET; BRIDGE_CLIENT_ID; SIMULATOR=off, SIM_INTERVAL_MS, SIM_SCENARIO.
 */
export function platformOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformOptions {
  const ports: PlatformPorts = {
    gateway: port(env, 'GATEWAY_PORT', defaultPorts.gateway),
    core: port(env, 'CORE_PORT', defaultPorts.core),
    twin: port(env, 'TWIN_PORT', defaultPorts.twin),
    dashboard: port(env, 'DASHBOARD_PORT', defaultPorts.dashboard),
    mqtt: port(env, 'MQTT_PORT', defaultPorts.mqtt),
  };
  const intervalMs = env.SIM_INTERVAL_MS ? Number(env.SIM_INTERVAL_MS) : undefined;
  if (intervalMs !== undefined && !(intervalMs >= 10)) {
    throw new Error(`SIM_INTERVAL_MS must be a number of milliseconds >= 10, got "${env.SIM_INTERVAL_MS}"`);
  }
  const retentionYears = env.TWIN_ARCHIVE_RETENTION_YEARS ? Number(env.TWIN_ARCHIVE_RETENTION_YEARS) : undefined;
  if (retentionYears !== undefined && !(retentionYears > 0)) {
    throw new Error(
      `TWIN_ARCHIVE_RETENTION_YEARS must be a positive number of years, got "${env.TWIN_ARCHIVE_RETENTION_YEARS}"`,
    );
  }
  return {
    ports,
    ...(env.HOST ? { host: env.HOST } : {}),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { pgliteDir: resolve(env.PGLITE_DIR || '.data/core') }),
    ...(env.REDIS_URL
      ? { redisUrl: env.REDIS_URL }
      : { twinDataDir: resolve(env.TWIN_DATA_DIR || join(dirname(resolve(env.PGLITE_DIR || '.data/core')), 'twin')) }),
    ...(env.DATABASE_URL
      ? {}
      : { archiveDir: resolve(env.ARCHIVE_DIR || join(dirname(resolve(env.PGLITE_DIR || '.data/core')), 'archive')) }),
    ...(retentionYears === undefined ? {} : { archiveRetentionYears: retentionYears }),
    ...(env.MQTT_URL ? { mqttUrl: env.MQTT_URL } : {}),
    ...(env.JWT_SECRET ? { jwtSecret: env.JWT_SECRET } : {}),
    ...(env.BRIDGE_CLIENT_ID ? { bridgeClientId: env.BRIDGE_CLIENT_ID } : {}),
    simulator:
      env.SIMULATOR === 'off'
        ? false
        : {
            ...(intervalMs === undefined ? {} : { intervalMs }),
            ...(env.SIM_SCENARIO ? { scenario: env.SIM_SCENARIO } : {}),
          },
    watchSupergraph: env.SUPERGRAPH_WATCH === 'true',
  };
}
