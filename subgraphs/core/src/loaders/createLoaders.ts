import DataLoader from 'dataloader';
import type {
  ContainerRow,
  CustodyEventRow,
  SampleRow,
  ShipmentRow,
  SiteRow,
  StorageProfileRow,
} from '../db/schema.ts';
import type { Repositories } from '../repositories/index.ts';

/** `id:<uuid>` or `code:<code>`: both federation keys share one loader, so one statement per entity type. */
export type EntityKey = `id:${string}` | `code:${string}`;

export interface Loaders {
  container: DataLoader<EntityKey, ContainerRow | null>;
  sample: DataLoader<EntityKey, SampleRow | null>;
  site: DataLoader<EntityKey, SiteRow | null>;
  shipment: DataLoader<EntityKey, ShipmentRow | null>;
  storageProfile: DataLoader<string, StorageProfileRow | null>;
  samplesByContainer: DataLoader<string, SampleRow[]>;
  containersByParent: DataLoader<string, ContainerRow[]>;
  containersBySite: DataLoader<string, ContainerRow[]>;
  containersByShipment: DataLoader<string, ContainerRow[]>;
  aliquotsByParent: DataLoader<string, SampleRow[]>;
  custodyBySubject: DataLoader<string, CustodyEventRow[]>;
}

function keyed<T extends { id: string }>(
  find: (ids: string[], codes: string[]) => Promise<T[]>,
  codeOf: (row: T) => string,
): DataLoader<EntityKey, T | null> {
  return new DataLoader(async (keys) => {
    const ids = keys.filter((k) => k.startsWith('id:')).map((k) => k.slice(3));
    const codes = keys.filter((k) => k.startsWith('code:')).map((k) => k.slice(5));
    const rows = await find(ids, codes);
    const byKey = new Map<string, T>();
    for (const row of rows) {
      byKey.set(`id:${row.id}`, row);
      byKey.set(`code:${codeOf(row)}`, row);
    }
    return keys.map((k) => byKey.get(k) ?? null);
  });
}

function grouped<T>(find: (keys: string[]) => Promise<T[]>, keyOf: (row: T) => string | null): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const rows = await find([...keys]);
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const key = keyOf(row);
      if (key === null) continue;
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return keys.map((k) => groups.get(k) ?? []);
  });
}

/** Fresh per request: batching and caching never leak between callers. */
export function createLoaders(repos: Repositories): Loaders {
  const site = keyed<SiteRow>(
    (ids, codes) => repos.sites.findByKeys(ids, codes),
    (r) => r.code,
  );
  // A container's site comes in the same statement: `container { site }` costs one round trip, not two.
  const container = keyed<ContainerRow>(
    async (ids, codes) =>
      (await repos.containers.findByKeysWithSites(ids, codes)).map((row) => {
        if (row.site) site.prime(`id:${row.site.id}`, row.site).prime(`code:${row.site.code}`, row.site);
        return row.container;
      }),
    (r) => r.code,
  );
  const prime = (rows: ContainerRow[]) => {
    for (const row of rows) container.prime(`id:${row.id}`, row).prime(`code:${row.code}`, row);
    return rows;
  };
  return {
    container,
    sample: keyed<SampleRow>(
      (ids, codes) => repos.samples.findByKeys(ids, codes),
      (r) => r.code,
    ),
    site,
    shipment: keyed<ShipmentRow>(
      (ids, refs) => repos.shipments.findByKeys(ids, refs),
      (r) => r.reference,
    ),
    storageProfile: new DataLoader(async (ids) => {
      const rows = await repos.storageProfiles.findByIds(ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    samplesByContainer: grouped(
      (ids) => repos.samples.findByContainerIds(ids),
      (r) => r.containerId,
    ),
    containersByParent: grouped(
      async (ids) => prime(await repos.containers.findByParentIds(ids)),
      (r) => r.parentId,
    ),
    containersBySite: grouped(
      async (ids) => prime(await repos.containers.findBySiteIds(ids)),
      (r) => r.siteId,
    ),
    containersByShipment: grouped<ContainerRow & { shipmentId: string }>(
      (ids) => repos.containers.findByShipmentIds(ids),
      (r) => r.shipmentId,
    ),
    aliquotsByParent: grouped(
      (ids) => repos.samples.findByParentIds(ids),
      (r) => r.parentSampleId,
    ),
    custodyBySubject: grouped(
      (ids) => repos.custodyEvents.forSubjects(ids),
      (r) => r.subjectId,
    ),
  };
}
