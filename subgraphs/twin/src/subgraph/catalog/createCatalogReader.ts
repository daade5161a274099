import { type CatalogSource, type CatalogView, catalogView } from '../../bridge/index.ts';
import type { TwinStore } from '../../store/index.ts';

export interface CatalogReaderStats {
  catalogVersion: string | null;
  profiles: number;
  bindings: number;
  hits: number;
  misses: number;
}

export interface CatalogReader {
  /** Core's monitoring catalog as the bridge cached it in the store; null when nothing is cached and core cannot say. */
  view(): Promise<CatalogView | null>;
  stats(): Promise<CatalogReaderStats>;
}

export interface CatalogReaderOptions {
  store: TwinStore;
  /** Asked when the store holds no catalog (the bridge is not running or the cache expired). */
  source?: CatalogSource;
  ttlSeconds?: number;
}

/** The subgraph reads profiles from the store's catalog cache, the one the bridge judges readings by. */
export function createCatalogReader({ store, source, ttlSeconds = 60 }: CatalogReaderOptions): CatalogReader {
  let hits = 0;
  let misses = 0;
  let last: CatalogView | null = null;

  return {
    async view() {
      let catalog = await store.cachedCatalog();
      if (catalog) hits++;
      else {
        misses++;
        if (!source) return null;
        catalog = await source.catalog();
        await store.cacheCatalog(catalog, ttlSeconds);
      }
      // Building the lookup maps is the costly part; a version names one catalog exactly.
      if (last?.version !== catalog.version) last = catalogView(catalog);
      return last;
    },
    async stats() {
      const catalog = await store.cachedCatalog();
      return {
        catalogVersion: catalog?.version ?? null,
        profiles: catalog?.profiles.length ?? 0,
        bindings: catalog?.bindings.length ?? 0,
        hits,
        misses,
      };
    },
  };
}
