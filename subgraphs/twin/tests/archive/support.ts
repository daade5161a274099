import type { StorageProfile } from '@bst/coldchain';
import { createTestDatabase, type TestDatabase } from '@bst/testing';
import {
  type ArchiveDatabase,
  ArchiveRepository,
  createHistory,
  openArchiveDatabase,
} from '../../src/archive/index.ts';
import { catalogView, createGroupCommit } from '../../src/bridge/index.ts';
import { replayFrom } from '../../src/bridge/ingest/replayVeryLate.ts';
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

/** Readings through the bridge's own ingest path: the engine step and the group commit (compare-and-set included). */
export function ingestInto(store: TwinStore, catalog: MonitoringCatalog, archive: ArchiveRepository | null = null) {
  const view = catalogView(catalog);
  const commits = createGroupCommit({
    store,
    catalog: () => view,
    replay: replayFrom(store, createHistory(store, archive), archive),
  });
  return async (entity: EntityRef, readings: readonly TwinReading[]) => {
    // One entity's readings are committed in the order given, in batches.
    for (let i = 0; i < readings.length; i += 500) {
      await Promise.all(readings.slice(i, i + 500).map((reading) => commits.ingest(entity, reading)));
    }
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
