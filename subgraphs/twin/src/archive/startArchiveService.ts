import { type CatalogFollower, type CatalogSource, followCatalog } from '../bridge/index.ts';
import type { TwinStore } from '../store/index.ts';
import type { ArchivedCounts, ArchiveRepository } from './ArchiveRepository.ts';
import { type Archiver, startArchiver } from './startArchiver.ts';

export interface ArchiveServiceOptions {
  store: TwinStore;
  archive: ArchiveRepository;
  /** Core's catalog: the profiles that judge each entity's hourly rollups. */
  catalogSource: CatalogSource;
  consumer: string;
  batchSize?: number;
  idleMs?: number;
  pauseMs?: number;
  yieldWhile?: () => boolean;
  claimIdleMs?: number;
  catalogPollMs?: number;
  /** How often retention runs (partitions ahead, expired months dropped); default hourly. */
  retentionEveryMs?: number;
  onError?: (error: unknown) => void;
  onBatch?: (batch: { entries: number; counts: ArchivedCounts; seconds: number }) => void;
}

export interface ArchiveService {
  archiver: Archiver;
  catalog: CatalogFollower;
  /** Lets the batch in hand finish, then stops retention and the catalog poll. */
  stop(): Promise<void>;
}

/** An archiver with what it needs around it: the catalog it judges rollups by, and retention on a timer. */
export async function startArchiveService(options: ArchiveServiceOptions): Promise<ArchiveService> {
  const onError = options.onError ?? ((error: unknown) => console.error('[archiver]', error));
  const catalog = await followCatalog({
    source: options.catalogSource,
    store: options.store,
    onError,
    ...(options.catalogPollMs === undefined ? {} : { pollMs: options.catalogPollMs }),
  });
  await options.archive.expire();
  const archiver = startArchiver({
    store: options.store,
    archive: options.archive,
    profileOf: (entity) => catalog.current().profileOf(entity),
    consumer: options.consumer,
    onError,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
    ...(options.pauseMs === undefined ? {} : { pauseMs: options.pauseMs }),
    ...(options.yieldWhile === undefined ? {} : { yieldWhile: options.yieldWhile }),
    ...(options.claimIdleMs === undefined ? {} : { claimIdleMs: options.claimIdleMs }),
    ...(options.onBatch === undefined ? {} : { onBatch: options.onBatch }),
  });
  const retention = setInterval(() => {
    options.archive.expire().catch(onError);
  }, options.retentionEveryMs ?? 3600_000);
  retention.unref();
  return {
    archiver,
    catalog,
    async stop() {
      clearInterval(retention);
      await archiver.stop();
      catalog.stop();
    },
  };
}
