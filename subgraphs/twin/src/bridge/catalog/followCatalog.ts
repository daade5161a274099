import type { StorageProfile } from '@bst/coldchain';
import { type EntityRef, entityKey, type MonitoringCatalog, type TwinStore } from '../../store/index.ts';
import type { CatalogSource } from './coreCatalogSource.ts';

/** The catalog as the ingest path asks it: which profile watches this entity, and does core know it at all. */
export interface CatalogView {
  version: string;
  isRegistered(entity: EntityRef): boolean;
  profileOf(entity: EntityRef): StorageProfile | null;
}

export function catalogView(catalog: MonitoringCatalog): CatalogView {
  const profiles = new Map(catalog.profiles.map((p) => [p.id, p]));
  const bindings = new Map(catalog.bindings.map((b) => [entityKey(b), b.profileId]));
  return {
    version: catalog.version,
    isRegistered: (entity) => bindings.has(entityKey(entity)),
    profileOf: (entity) => {
      const profileId = bindings.get(entityKey(entity));
      return profileId ? (profiles.get(profileId) ?? null) : null;
    },
  };
}

export interface CatalogFollower {
  current(): CatalogView;
  /** Checks core's catalogVersion now; loads the catalog (from the Redis cache if another bridge already did) on change. */
  refresh(): Promise<void>;
  stop(): void;
}

export interface FollowCatalogOptions {
  source: CatalogSource;
  store: TwinStore;
  pollMs?: number;
  ttlSeconds?: number;
  onError?: (error: unknown) => void;
}

/**
 * Resolves once a catalog is known (from core, else from the cache), then polls catalogVersion so that a profile
 * change takes effect within a poll interval. Core being down keeps the last catalog in use.
 */
export async function followCatalog({
  source,
  store,
  pollMs = 2000,
  ttlSeconds = 60,
  onError = () => {},
}: FollowCatalogOptions): Promise<CatalogFollower> {
  let view: CatalogView | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function load(version: string): Promise<void> {
    const cached = await store.cachedCatalog();
    if (cached?.version === version) {
      view = catalogView(cached);
      return;
    }
    const catalog = await source.catalog();
    await store.cacheCatalog(catalog, ttlSeconds);
    view = catalogView(catalog);
  }

  async function refresh(): Promise<void> {
    const version = await source.version();
    if (view?.version !== version) await load(version);
  }

  while (!view) {
    try {
      await refresh();
    } catch (error) {
      onError(error);
      const cached = await store.cachedCatalog().catch(() => null);
      if (cached) view = catalogView(cached);
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    if (stopped) break;
  }

  const poll = () => {
    timer = setTimeout(async () => {
      try {
        await refresh();
      } catch (error) {
        onError(error);
      }
      if (!stopped) poll();
    }, pollMs);
  };
  poll();

  return {
    current: () => view as CatalogView,
    refresh,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
