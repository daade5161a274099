import { eq } from 'drizzle-orm';
import type { DB } from '../db/index.ts';
import { catalogState, containers, type StorageProfileRow, samples, storageProfiles } from '../db/schema.ts';
import { type MonitoringBinding, monitoringBindings } from '../domain/monitoringBindings.ts';

/** What the twin bridge polls: a cheap version, and the full catalog when the version moved. */
export class CatalogRepository {
  constructor(private readonly db: DB) {}

  async version(): Promise<string> {
    const [row] = await this.db
      .select({ version: catalogState.version })
      .from(catalogState)
      .where(eq(catalogState.id, 1));
    return String(row?.version ?? 0);
  }

  /** Read in one transaction so the version matches the bindings it is served with. */
  async snapshot(): Promise<{ version: string; profiles: StorageProfileRow[]; bindings: MonitoringBinding[] }> {
    return this.db.transaction(
      async (tx) => {
        const [state] = await tx.select({ version: catalogState.version }).from(catalogState);
        const profiles = await tx.select().from(storageProfiles).orderBy(storageProfiles.name);
        const containerRows = await tx
          .select({
            id: containers.id,
            code: containers.code,
            storageProfileId: containers.storageProfileId,
            parentId: containers.parentId,
          })
          .from(containers);
        const sampleRows = await tx
          .select({ code: samples.code, storageProfileId: samples.storageProfileId, containerId: samples.containerId })
          .from(samples);
        return {
          version: String(state?.version ?? 0),
          profiles,
          bindings: monitoringBindings(containerRows, sampleRows),
        };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }
}
