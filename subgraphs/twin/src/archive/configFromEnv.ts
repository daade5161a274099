import {
  defineConfig,
  type GatewayTrust,
  gatewayTrust,
  gatewayTrustVariables,
  integer,
  type LogLevel,
  loadConfig,
  logLevelVariables,
  port,
  text,
  url,
} from '@bst/service-kit';
import { z } from 'zod';
import { type TwinStoreConfig, twinStoreConfig, twinStoreVariables } from '../store/index.ts';

export interface ArchiveConfig {
  /** postgres:// URL of the database holding the `twin` schema. */
  url: string;
  /** Event times older than this are not archived and their monthly partitions are dropped. */
  retentionYears: number;
}

const yearMs = 365.25 * 24 * 3600_000;

export function retentionMsOf(config: Pick<ArchiveConfig, 'retentionYears'>): number {
  return config.retentionYears * yearMs;
}

/** Years, whole or not (0.5 = six months): a positive number up to a century. */
const years = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined) return 10;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(value > 0) || value > 100) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a number of years above 0 and up to 100, got ${JSON.stringify(raw)}`,
      });
      return z.NEVER;
    }
    return value;
  });

/** The archive's variables, for every service that reads or writes it (twin subgraph, bridge, archiver). */
export const archiveVariables = {
  ARCHIVE_DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  TWIN_ARCHIVE_RETENTION_YEARS: years,
};

/** The archive from validated variables; null without ARCHIVE_DATABASE_URL (the hot window alone, then). */
export function archiveConfig(env: z.output<z.ZodObject<typeof archiveVariables>>): ArchiveConfig | null {
  return env.ARCHIVE_DATABASE_URL
    ? { url: env.ARCHIVE_DATABASE_URL, retentionYears: env.TWIN_ARCHIVE_RETENTION_YEARS }
    : null;
}

export interface ArchiverConfig {
  archive: ArchiveConfig;
  /** REDIS_URL or REDIS_CLUSTER_NODES and the TWIN_STORE_* settings (store/README.md). */
  store: TwinStoreConfig;
  coreGraphUrl: string;
  consumer: string | undefined;
  batchSize: number;
  claimIdleMs: number;
  idleMs: number;
  healthPort: number;
  host: string;
  /** Seals the archiver's identity for core's catalog queries. */
  trust: GatewayTrust;
  /** LOG_LEVEL: the least severe level written (pino). */
  logLevel: LogLevel;
}

export const archiverConfig = defineConfig({
  service: 'twin-archiver',
  variables: {
    ...logLevelVariables,
    ...archiveVariables,
    ...twinStoreVariables,
    CORE_GRAPH_URL: url(['http', 'https']).default('http://127.0.0.1:4001/graphql'),
    ARCHIVER_CONSUMER: text(128).optional(),
    ARCHIVER_BATCH_SIZE: integer({ min: 1, max: 5000, fallback: 1000 }),
    ARCHIVER_CLAIM_IDLE_MS: integer({ min: 1000, max: 3_600_000, fallback: 30_000 }),
    ARCHIVER_IDLE_MS: integer({ min: 5, max: 60_000, fallback: 200 }),
    ARCHIVER_HEALTH_PORT: port(4004),
    HOST: text().default('0.0.0.0'),
    ...gatewayTrustVariables,
  },
  requiredUnlessDev: ['GATEWAY_SHARED_SECRET'],
  check: (present) =>
    present.ARCHIVE_DATABASE_URL
      ? []
      : [
          {
            variable: 'ARCHIVE_DATABASE_URL',
            problem: 'is required: the archiver writes the archive there (postgres://)',
          },
        ],
  build: (env): ArchiverConfig => ({
    logLevel: env.LOG_LEVEL,
    archive: archiveConfig(env) as ArchiveConfig,
    store: twinStoreConfig(env, { redisUrl: 'redis://127.0.0.1:6379' }),
    coreGraphUrl: env.CORE_GRAPH_URL,
    consumer: env.ARCHIVER_CONSUMER,
    batchSize: env.ARCHIVER_BATCH_SIZE,
    claimIdleMs: env.ARCHIVER_CLAIM_IDLE_MS,
    idleMs: env.ARCHIVER_IDLE_MS,
    healthPort: env.ARCHIVER_HEALTH_PORT,
    host: env.HOST,
    trust: gatewayTrust(env),
  }),
});

/** `npm run start:archiver` settings, validated once at start; every problem named at once. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ArchiverConfig {
  return loadConfig(archiverConfig, env);
}
