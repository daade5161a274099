import type { StorageProfile } from '@bst/coldchain';
import { createTestDatabase, type TestDatabase } from '@bst/testing';
import { type ArchiveDatabase, ArchiveRepository, openArchiveDatabase } from '../../src/archive/index.ts';
import { catalogView, ingestReading } from '../../src/bridge/index.ts';
import { createMonitorCache } from '../../src/bridge/ingest/monitorCache.ts';
import type { EntityRef, MonitoringCatalog, TwinReading, TwinStore } from '../../src/store/index.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface ArchiveFixture {
  database: ArchiveDatabase;
  archive: ArchiveRepository;
  url: string;
  close(): Promise<void>;
}

/** A fresh Postgres database with the archive's schema, dropped on close. */
export async function openTestArchive(label: string, retentionYears = 10): Promise<ArchiveFixture> {
  const test: TestDatabase = await createTestDatabase(label);
  const database = await openArchiveDatabase({ url: test.url, max: 4 });
  const archive = new ArchiveRepository(database, { retentionMs: retentionYears * 365.25 * 24 * HOUR });
  return {
    database,
    archive,
    url: test.url,
    async close() {
      await database.close();
      await test.drop();
    },
  };
}

export function catalogOf(profile: StorageProfile, entities: EntityRef[]): MonitoringCatalog {
  return {
    version: 'v1',
    profiles: [profile],
    bindings: entities.map((e) => ({ ...e, profileId: profile.id })),
  };
}

/** Readings through the bridge's own ingest path (engine, compare-and-set, one atomic commit each). */
export function ingestInto(store: TwinStore, catalog: MonitoringCatalog) {
  const view = catalogView(catalog);
  const context = { store, catalog: () => view, monitors: createMonitorCache() };
  return async (entity: EntityRef, readings: readonly TwinReading[]) => {
    for (const reading of readings) await ingestReading(context, entity, reading);
  };
}

/** Drains the whole outbox into the archive the way an archiver does (store, then acknowledge). */
export async function archiveAll(store: TwinStore, archive: ArchiveRepository, catalog: MonitoringCatalog) {
  const view = catalogView(catalog);
  for (;;) {
    const batch = await store.outbox.read('test-archiver', 500);
    if (batch.length === 0) return;
    await archive.store(batch, (entity) => view.profileOf(entity));
    await store.outbox.acknowledge(batch.map((e) => e.handle));
  }
}
