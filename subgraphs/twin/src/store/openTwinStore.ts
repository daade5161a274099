import { createMemoryTwinStore } from './memory/createTwinStore.ts';
import type { JournalOptions } from './memory/journal.ts';
import type { RedisConnectionSettings, RedisTarget } from './redis/connectRedis.ts';
import { createRedisTwinStore } from './redis/createTwinStore.ts';
import type { TwinStore, TwinStoreOptions } from './TwinStore.ts';

export interface TwinStoreConfig extends TwinStoreOptions {
  /** One Redis (`{ url }`) or a Redis Cluster (`{ clusterNodes }`); omitted = the embedded memory store. */
  redis?: RedisTarget;
  /** Redis only: command timeout and reconnect backoff (fail fast during an outage, notice recovery quickly). */
  connection?: RedisConnectionSettings;
  /** Memory store only: keep it on disk in this directory (journal + snapshot); omitted = in memory only. */
  dataDir?: string;
  journal?: JournalOptions;
}

/** The one place a service builds its store: picks the adapter from the config and waits until it is usable. */
export async function openTwinStore(config: TwinStoreConfig): Promise<TwinStore> {
  const { redis, connection, ...options } = config;
  const store = redis
    ? createRedisTwinStore({ ...options, redis, ...(connection ? { connection } : {}) })
    : createMemoryTwinStore(options);
  try {
    await store.ready();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
