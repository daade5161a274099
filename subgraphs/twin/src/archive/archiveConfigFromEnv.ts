import { z } from 'zod';

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

const schema = z.object({
  ARCHIVE_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  TWIN_ARCHIVE_RETENTION_YEARS: z.coerce.number().positive().max(100).default(10),
});

/**
 * The archive's settings: ARCHIVE_DATABASE_URL (the twin's schema lives there; compose points it at the one Postgres)
 * and TWIN_ARCHIVE_RETENTION_YEARS (default 10). Null without a URL: the service then runs on the hot window alone.
 * Throws naming the variable that is malformed.
 */
export function archiveConfigFromEnv(env: NodeJS.ProcessEnv): ArchiveConfig | null {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(issue?.path[0])}: ${issue?.message}`);
  }
  const { ARCHIVE_DATABASE_URL: url, TWIN_ARCHIVE_RETENTION_YEARS: retentionYears } = parsed.data;
  return url ? { url, retentionYears } : null;
}

const archiverSchema = z.object({
  ARCHIVER_CONSUMER: z.string().min(1).optional(),
  ARCHIVER_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(1000),
  ARCHIVER_CLAIM_IDLE_MS: z.coerce.number().int().min(1000).default(30_000),
  ARCHIVER_IDLE_MS: z.coerce.number().int().min(10).default(200),
  ARCHIVER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(4004),
});

export type ArchiverSettings = {
  consumer: string | undefined;
  batchSize: number;
  claimIdleMs: number;
  idleMs: number;
  healthPort: number;
};

/** The archiver process's own settings (ARCHIVER_*); throws naming the variable that is malformed. */
export function archiverSettingsFromEnv(env: NodeJS.ProcessEnv): ArchiverSettings {
  const parsed = archiverSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(issue?.path[0])}: ${issue?.message}`);
  }
  const d = parsed.data;
  return {
    consumer: d.ARCHIVER_CONSUMER,
    batchSize: d.ARCHIVER_BATCH_SIZE,
    claimIdleMs: d.ARCHIVER_CLAIM_IDLE_MS,
    idleMs: d.ARCHIVER_IDLE_MS,
    healthPort: d.ARCHIVER_HEALTH_PORT,
  };
}
