import type { Compliance } from '@bst/coldchain';
import type { SubgraphContext } from '@bst/subgraph-kit';
import DataLoader from 'dataloader';
import type { ArchiveRepository, ComplianceReader, ComplianceRequest, History } from '../archive/index.ts';
import type { CatalogView } from '../bridge/index.ts';
import { type EntityRef, entityKey, type LiveState, type TwinStore } from '../store/index.ts';
import type { CatalogReader } from './catalog/createCatalogReader.ts';

export interface TwinContext extends SubgraphContext {
  store: TwinStore;
  catalogReader: CatalogReader;
  /** The catalog for this operation (memoised per HTTP request; fresh per event for subscriptions). */
  catalog(): Promise<CatalogView | null>;
  /** Live states batched into one store round trip per request (a gateway fetches many entities at once). */
  live: DataLoader<EntityRef, LiveState | null, string>;
  /** Readings wherever they are: the hot window, and the archive when there is one. */
  history: History;
  /** The archive, or null when this twin runs on the hot window alone. */
  archive: ArchiveRepository | null;
  /** Compliance from the archive's rollups, batched per request (one set of archive queries for many containers). */
  archivedCompliance: DataLoader<ComplianceRequest, Compliance, ComplianceRequest> | null;
  now(): number;
  /** The event a subscription resolves now: its reading's id, passed on by the transport (payload `extensions`). */
  delivering: { eventId?: string };
}

export interface TwinContextOptions {
  store: TwinStore;
  catalogReader: CatalogReader;
  history: History;
  archive: ArchiveRepository | null;
  readCompliance: ComplianceReader | null;
  now: () => number;
  /** False for long-lived subscriptions, whose catalog and live state must not freeze at subscribe time. */
  memoise: boolean;
}

export function createTwinContext(
  identity: SubgraphContext['identity'],
  { store, catalogReader, history, archive, readCompliance, now, memoise }: TwinContextOptions,
): TwinContext {
  let catalog: Promise<CatalogView | null> | undefined;
  return {
    identity,
    store,
    catalogReader,
    now,
    delivering: {},
    catalog: () => {
      if (!memoise) return catalogReader.view();
      catalog ??= catalogReader.view();
      return catalog;
    },
    live: new DataLoader((refs: readonly EntityRef[]) => store.liveMany([...refs]), {
      cacheKeyFn: entityKey,
      cache: memoise,
    }),
    history,
    archive,
    archivedCompliance: readCompliance
      ? new DataLoader((requests: readonly ComplianceRequest[]) => readCompliance(requests), { cache: false })
      : null,
  };
}
