import {
  defineConfig,
  flag,
  type GatewayTrust,
  gatewayTrust,
  gatewayTrustVariables,
  type LogLevel,
  loadConfig,
  logLevelVariables,
  port,
  text,
  url,
} from '@bst/service-kit';

export interface CoreConfig {
  port: number;
  host: string;
  /** A real Postgres; without it core runs on PGlite in `pgliteDir`. */
  databaseUrl?: string;
  pgliteDir: string;
  seed: boolean;
  trust: GatewayTrust;
  /** LOG_LEVEL: the least severe level written (pino). */
  logLevel: LogLevel;
}

export const coreConfig = defineConfig({
  service: 'core',
  variables: {
    ...logLevelVariables,
    PORT: port(4001),
    HOST: text().default('0.0.0.0'),
    DATABASE_URL: url(['postgres', 'postgresql']).optional(),
    PGLITE_DIR: text(1024).default('.data/core'),
    SEED_DEMO: flag(false),
    ...gatewayTrustVariables,
  },
  requiredUnlessDev: ['GATEWAY_SHARED_SECRET'],
  build: (env): CoreConfig => ({
    logLevel: env.LOG_LEVEL,
    port: env.PORT,
    host: env.HOST,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    pgliteDir: env.PGLITE_DIR,
    seed: env.SEED_DEMO,
    trust: gatewayTrust(env),
  }),
});

/** `npm run start:core` settings, validated once at start. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): CoreConfig {
  return loadConfig(coreConfig, env);
}
