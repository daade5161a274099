import { type EntityRef, entityKey, type MonitorRecord } from '../../store/index.ts';

/**
 * The last engine state this bridge wrote per entity, so a reading costs one round trip; another instance's
 * write shows up as a CAS conflict that carries the fresh state.
 */
export function createMonitorCache(maxEntries = 100_000) {
  const records = new Map<string, MonitorRecord>();
  return {
    get: (entity: EntityRef) => records.get(entityKey(entity)),
    set(entity: EntityRef, record: MonitorRecord) {
      const key = entityKey(entity);
      records.delete(key);
      records.set(key, record);
      if (records.size > maxEntries) records.delete(records.keys().next().value as string);
    },
  };
}

export type MonitorCache = ReturnType<typeof createMonitorCache>;
