import { defineConfig, loadConfig, optionalInteger, port, text, url } from '@bst/service-kit';
import type { SimulatorOptions } from './publisher/startSimulator.ts';
import { scenarios } from './scenarios/scenarioByName.ts';

export interface SimulatorConfig {
  options: SimulatorOptions & { intervalMs: number; mqttUrl: string };
  /** `GET /health` for containers; none when unset. */
  healthPort?: number;
}

export const simulatorConfig = defineConfig({
  service: 'simulator',
  variables: {
    MQTT_URL: url(['mqtt', 'mqtts', 'ws', 'wss', 'tcp']).default('mqtt://127.0.0.1:1883'),
    MQTT_USERNAME: text().optional(),
    MQTT_PASSWORD: text(1024).optional(),
    SIM_INTERVAL_MS: optionalInteger({ min: 10, max: 3_600_000 }),
    SIM_SCENARIO: text().optional(),
    SIM_TOPIC_PREFIX: text().optional(),
    // History published before going live (0 = none).
    SIM_BACKFILL_HOURS: optionalInteger({ min: 0, max: 720 }),
    SIM_HEALTH_PORT: port(0).optional(),
    // Readings replayed after a reconnect: those acknowledged this long before the connection was lost.
    SIM_REPLAY_WINDOW_MS: optionalInteger({ min: 0, max: 3_600_000 }),
  },
  check: (present) =>
    present.SIM_SCENARIO === undefined || Object.hasOwn(scenarios, present.SIM_SCENARIO)
      ? []
      : [
          {
            variable: 'SIM_SCENARIO',
            problem: `must be one of ${Object.keys(scenarios).join(', ')}, got ${JSON.stringify(present.SIM_SCENARIO)}`,
          },
        ],
  build: (env): SimulatorConfig => ({
    options: {
      mqttUrl: env.MQTT_URL,
      intervalMs: env.SIM_INTERVAL_MS ?? 5000,
      scenario: env.SIM_SCENARIO ?? 'demo',
      ...(env.MQTT_USERNAME ? { username: env.MQTT_USERNAME } : {}),
      ...(env.MQTT_PASSWORD ? { password: env.MQTT_PASSWORD } : {}),
      ...(env.SIM_TOPIC_PREFIX ? { topicPrefix: env.SIM_TOPIC_PREFIX } : {}),
      ...(env.SIM_BACKFILL_HOURS ? { backfill: { hours: env.SIM_BACKFILL_HOURS } } : {}),
      ...(env.SIM_REPLAY_WINDOW_MS === undefined ? {} : { replayWindowMs: env.SIM_REPLAY_WINDOW_MS }),
    },
    ...(env.SIM_HEALTH_PORT === undefined ? {} : { healthPort: env.SIM_HEALTH_PORT }),
  }),
});

/** `npm run simulate` settings, validated once at start. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  return loadConfig(simulatorConfig, env);
}
