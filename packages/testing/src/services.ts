/** The real services every development and CI machine runs on their standard ports. */
export const services = {
  postgresAdminUrl: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  mqttUrl: process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
} as const;
