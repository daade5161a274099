import type { SimulatorOptions } from './publisher/startSimulator.ts';

/** Simulator settings from MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD, SIM_INTERVAL_MS, SIM_SCENARIO, SIM_TOPIC_PREFIX. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): SimulatorOptions {
  const intervalMs = env.SIM_INTERVAL_MS ? Number(env.SIM_INTERVAL_MS) : 5000;
  if (!Number.isFinite(intervalMs) || intervalMs < 10) {
    throw new Error(`SIM_INTERVAL_MS must be a number of milliseconds >= 10, got "${env.SIM_INTERVAL_MS}"`);
  }
  return {
    mqttUrl: env.MQTT_URL || 'mqtt://127.0.0.1:1883',
    intervalMs,
    scenario: env.SIM_SCENARIO || 'demo',
    ...(env.MQTT_USERNAME ? { username: env.MQTT_USERNAME } : {}),
    ...(env.MQTT_PASSWORD ? { password: env.MQTT_PASSWORD } : {}),
    ...(env.SIM_TOPIC_PREFIX ? { topicPrefix: env.SIM_TOPIC_PREFIX } : {}),
  };
}
