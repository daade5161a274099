import type { SimulatorOptions } from './publisher/startSimulator.ts';

/**
 * Simulator settings from MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD, SIM_INTERVAL_MS, SIM_SCENARIO, SIM_TOPIC_PREFIX and
 * SIM_BACKFILL_HOURS (history published before going live; default 0).
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): SimulatorOptions {
  const intervalMs = env.SIM_INTERVAL_MS ? Number(env.SIM_INTERVAL_MS) : 5000;
  if (!Number.isFinite(intervalMs) || intervalMs < 10) {
    throw new Error(`SIM_INTERVAL_MS must be a number of milliseconds >= 10, got "${env.SIM_INTERVAL_MS}"`);
  }
  const backfillHours = env.SIM_BACKFILL_HOURS ? Number(env.SIM_BACKFILL_HOURS) : 0;
  if (!Number.isFinite(backfillHours) || backfillHours < 0 || backfillHours > 24 * 30) {
    throw new Error(`SIM_BACKFILL_HOURS must be a number of hours from 0 to 720, got "${env.SIM_BACKFILL_HOURS}"`);
  }
  return {
    mqttUrl: env.MQTT_URL || 'mqtt://127.0.0.1:1883',
    intervalMs,
    scenario: env.SIM_SCENARIO || 'demo',
    ...(env.MQTT_USERNAME ? { username: env.MQTT_USERNAME } : {}),
    ...(env.MQTT_PASSWORD ? { password: env.MQTT_PASSWORD } : {}),
    ...(backfillHours > 0 ? { backfill: { hours: backfillHours } } : {}),
    ...(env.SIM_TOPIC_PREFIX ? { topicPrefix: env.SIM_TOPIC_PREFIX } : {}),
  };
}
