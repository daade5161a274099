import { dirname, join, resolve } from 'node:path';
import { defaultPorts, type PlatformOptions, type PlatformPorts } from './startPlatform.ts';

/** The setting that moves each port, for messages such as "port 4000 is in use". */
export const portSettings: Readonly<Record<keyof PlatformPorts, string>> = {
  gateway: 'GATEWAY_PORT',
  core: 'CORE_PORT',
  twin: 'TWIN_PORT',
  mqtt: 'MQTT_PORT',
};

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
 * `.data/core`, the in-memory twin store kept in TWIN_DATA_DIR or PGLITE_DIR's sibling `twin`, aedes on MQTT_PORT);
 * GATEWAY_PORT (also serves the dashboard), CORE_PORT, TWIN_PORT; HOST; JWT_SECRET; BRIDGE_CLIENT_ID; SIMULATOR=off,
 * SIM_INTERVAL_MS, SIM_SCENARIO, SIM_BACKFILL_HOURS (first start).
 */
export function platformOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformOptions {
  const ports: PlatformPorts = {
    gateway: port(env, portSettings.gateway, defaultPorts.gateway),
    core: port(env, portSettings.core, defaultPorts.core),
    twin: port(env, portSettings.twin, defaultPorts.twin),
    mqtt: port(env, portSettings.mqtt, defaultPorts.mqtt),
  };
  const intervalMs = env.SIM_INTERVAL_MS ? Number(env.SIM_INTERVAL_MS) : undefined;
  if (intervalMs !== undefined && !(intervalMs >= 10)) {
    throw new Error(`SIM_INTERVAL_MS must be a number of milliseconds >= 10, got "${env.SIM_INTERVAL_MS}"`);
  }
  const backfillHours = env.SIM_BACKFILL_HOURS ? Number(env.SIM_BACKFILL_HOURS) : undefined;
  if (backfillHours !== undefined && !(backfillHours >= 0 && backfillHours <= 720)) {
    throw new Error(`SIM_BACKFILL_HOURS must be a number of hours from 0 to 720, got "${env.SIM_BACKFILL_HOURS}"`);
  }
  return {
    ports,
    ...(env.HOST ? { host: env.HOST } : {}),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { pgliteDir: resolve(env.PGLITE_DIR || '.data/core') }),
    ...(env.REDIS_URL
      ? { redisUrl: env.REDIS_URL }
      : { twinDataDir: resolve(env.TWIN_DATA_DIR || join(dirname(resolve(env.PGLITE_DIR || '.data/core')), 'twin')) }),
    ...(env.MQTT_URL ? { mqttUrl: env.MQTT_URL } : {}),
    ...(env.JWT_SECRET ? { jwtSecret: env.JWT_SECRET } : {}),
    ...(env.BRIDGE_CLIENT_ID ? { bridgeClientId: env.BRIDGE_CLIENT_ID } : {}),
    simulator:
      env.SIMULATOR === 'off'
        ? false
        : {
            ...(intervalMs === undefined ? {} : { intervalMs }),
            ...(env.SIM_SCENARIO ? { scenario: env.SIM_SCENARIO } : {}),
            ...(backfillHours === undefined ? {} : { backfillHours }),
          },
    watchSupergraph: env.SUPERGRAPH_WATCH === 'true',
  };
}
