import type { StorageProfile } from '@bst/coldchain';
import type { EntityRef, OutboxEntry, TwinStore } from '../store/index.ts';
import type { ArchivedCounts, ArchiveRepository } from './ArchiveRepository.ts';

export interface ArchiverOptions {
  store: TwinStore;
  archive: ArchiveRepository;
  /** The profile that judges an entity's hourly rollups now (the catalog); null = none (judged when first asked). */
  profileOf: (entity: EntityRef) => StorageProfile | null;
  /** This archiver's name in the outbox's consumer group: fixed per instance, unique among those running. */
  consumer: string;
  /** Entries per batch (one Postgres transaction); default 1000. */
  batchSize?: number;
  /** Wait between empty reads. */
  idleMs?: number;
  /**
   * Pause after each stored batch (default none). In `npm start` the archive is PGlite, which runs on the process's
   * own thread: short batches with a pause between them keep ingest and the graph responsive while it catches up.
   */
  pauseMs?: number;
  /**
   * While this says so (checked before each batch), the archiver waits, up to `yieldAtMostMs` (10 s) at a time: the
   * embedded platform gives way to a burst of ingest (a back-fill) and archives it right after.
   */
  yieldWhile?: () => boolean;
  yieldAtMostMs?: number;
  /** Entries another archiver has held unacknowledged this long are taken over (it died). */
  claimIdleMs?: number;
  onError?: (error: unknown) => void;
  /** After each stored batch (metrics). */
  onBatch?: (batch: { entries: number; counts: ArchivedCounts; seconds: number }) => void;
}

export interface ArchiverStats {
  consumer: string;
  /** Entries archived and acknowledged since start. */
  archived: number;
  batches: number;
  errors: number;
  lastError: string | null;
  /** Entries archived per second over the last minute. */
  perSecond: number;
}

export interface Archiver {
  stats(): ArchiverStats;
  /** Finishes the batch in hand (stored and acknowledged, or left pending for another archiver), then stops. */
  stop(): Promise<void>;
}

const backoffMs = [100, 250, 500, 1000, 2000, 5000];
const rateWindowMs = 60_000;

/**
 * Drains the store's archive outbox into the archive: reads a batch (first taking over what a dead archiver left),
 * stores it in one Postgres transaction, and acknowledges it only after the commit. A failure keeps the batch and
 * retries it with backoff, so nothing is lost and ingest never waits (the outbox absorbs the backlog).
 */
export function startArchiver(options: ArchiverOptions): Archiver {
  const { store, archive, consumer } = options;
  const batchSize = options.batchSize ?? 1000;
  const idleMs = options.idleMs ?? 200;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const onError = options.onError ?? ((error: unknown) => console.error('[archiver]', error));
  const stats: ArchiverStats = { consumer, archived: 0, batches: 0, errors: 0, lastError: null, perSecond: 0 };
  const recent: { at: number; entries: number }[] = [];
  let stopping = false;
  let wake: (() => void) | null = null;
  let lastClaimAt = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wake = null;
    });

  function failed(error: unknown): void {
    stats.errors++;
    stats.lastError = error instanceof Error ? error.message : String(error);
    onError(error);
  }

  function report(): void {
    archive.recordArchiver(stats).catch(() => {});
  }

  async function next(): Promise<OutboxEntry[]> {
    if (Date.now() - lastClaimAt >= claimIdleMs / 2) {
      lastClaimAt = Date.now();
      const claimed = await store.outbox.claimStale(consumer, claimIdleMs, batchSize);
      if (claimed.length > 0) return claimed;
    }
    return store.outbox.read(consumer, batchSize);
  }

  async function archiveBatch(batch: OutboxEntry[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        const counts = await archive.store(batch, options.profileOf);
        options.onBatch?.({ entries: batch.length, counts, seconds: (performance.now() - started) / 1000 });
        break;
      } catch (error) {
        failed(error);
        report();
        // Stopping with the batch unstored: it stays pending and another archiver takes it over.
        if (stopping) return;
        await sleep(backoffMs[Math.min(attempt, backoffMs.length - 1)]!);
      }
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await store.outbox.acknowledge(batch.map((e) => e.handle));
        break;
      } catch (error) {
        // Archived but not acknowledged: a redelivery is harmless (idempotent), so keep trying, then move on.
        failed(error);
        if (stopping) break;
        await sleep(backoffMs[Math.min(attempt, backoffMs.length - 1)]!);
      }
    }
    const now = Date.now();
    stats.archived += batch.length;
    stats.batches++;
    recent.push({ at: now, entries: batch.length });
    while (recent.length > 0 && recent[0]!.at < now - rateWindowMs) recent.shift();
    const span = Math.max(1000, now - (recent[0]?.at ?? now));
    stats.perSecond = Math.round((recent.reduce((sum, r) => sum + r.entries, 0) / span) * 1000 * 10) / 10;
    report();
  }

  async function giveWay(): Promise<void> {
    const until = Date.now() + (options.yieldAtMostMs ?? 10_000);
    while (!stopping && Date.now() < until && options.yieldWhile?.()) await sleep(100);
  }

  const loop = (async () => {
    while (!stopping) {
      if (options.yieldWhile) await giveWay();
      let batch: OutboxEntry[];
      try {
        batch = await next();
      } catch (error) {
        failed(error);
        await sleep(backoffMs[2]!);
        continue;
      }
      if (batch.length === 0) {
        await sleep(idleMs);
        continue;
      }
      await archiveBatch(batch);
      if (options.pauseMs) await sleep(options.pauseMs);
    }
  })();

  return {
    stats: () => ({ ...stats }),
    async stop() {
      stopping = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}
