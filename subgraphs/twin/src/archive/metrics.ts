import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { TwinStore } from '../store/index.ts';
import type { ArchivedCounts } from './ArchiveRepository.ts';
import type { Archiver } from './startArchiver.ts';

/** The archiver's Prometheus figures; the outbox lag is read from the store when scraped. */
export function createArchiveMetrics(store: TwinStore, archiver: () => Archiver | null) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const entries = new Counter({
    name: 'bst_archive_entries_total',
    help: 'Outbox entries archived and acknowledged',
    registers: [registry],
  });
  const stored = new Counter({
    name: 'bst_archive_rows_stored_total',
    help: 'Rows the archive did not have yet, by kind (a redelivered entry stores nothing)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'bst_archive_batch_duration_seconds',
    help: 'Time to store one batch in Postgres (one transaction)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'bst_archive_errors_total',
    help: 'Failed reads, stores and acknowledgements (each retried)',
    registers: [registry],
    collect() {
      this.set(archiver()?.stats().errors ?? 0);
    },
  });
  new Gauge({
    name: 'bst_archive_entries_per_second',
    help: 'Entries archived per second over the last minute',
    registers: [registry],
    collect() {
      this.set(archiver()?.stats().perSecond ?? 0);
    },
  });
  const lagEntries = new Gauge({
    name: 'bst_archive_lag_entries',
    help: 'Outbox entries not yet archived (all archivers)',
    registers: [registry],
  });
  const pendingEntries = new Gauge({
    name: 'bst_archive_pending_entries',
    help: 'Outbox entries handed to an archiver and not yet acknowledged',
    registers: [registry],
  });
  const lagSeconds = new Gauge({
    name: 'bst_archive_lag_seconds',
    help: 'Age of the oldest outbox entry not yet archived',
    registers: [registry],
  });
  return {
    registry,
    observeBatch(batch: { entries: number; counts: ArchivedCounts; seconds: number }) {
      entries.inc(batch.entries);
      stored.inc({ kind: 'reading' }, batch.counts.readings);
      stored.inc({ kind: 'alert-event' }, batch.counts.alertEvents);
      stored.inc({ kind: 'checkpoint' }, batch.counts.checkpoints);
      stored.inc({ kind: 'expired' }, batch.counts.expired);
      batchSeconds.observe(batch.seconds);
    },
    async render(): Promise<string> {
      const lag = await store.outbox.lag();
      lagEntries.set(lag.unacknowledged);
      pendingEntries.set(lag.pending);
      lagSeconds.set(lag.oldestAt === null ? 0 : Math.max(0, (Date.now() - lag.oldestAt) / 1000));
      return registry.metrics();
    },
  };
}
