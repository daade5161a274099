import type { EntityRef, EntityType } from './TwinStore.ts';

const segmentByType: Record<EntityType, string> = { CONTAINER: 'container', SAMPLE: 'sample' };

/** `container:BOX-0001` / `sample:SAMPLE-0001`: the entity part of every per-entity key and of alert ids. */
export function entityKey(entity: EntityRef): string {
  return `${segmentByType[entity.entityType]}:${entity.code}`;
}

export function parseEntityKey(key: string): EntityRef {
  const colon = key.indexOf(':');
  const segment = key.slice(0, colon);
  return { entityType: segment === 'sample' ? 'SAMPLE' : 'CONTAINER', code: key.slice(colon + 1) };
}

/** The engine names an alert by kind and start; the store prefixes the entity so ids are unique across the twin. */
export function storedAlertId(entity: EntityRef, engineAlertId: string): string {
  return `${entityKey(entity)}:${engineAlertId}`;
}

/** The one key naming scheme (documented in README.md); both adapters use it. */
export function storeKeys(prefix: string) {
  return {
    readings: (entity: EntityRef) => `${prefix}:readings:${entityKey(entity)}`,
    live: (entity: EntityRef) => `${prefix}:live:${entityKey(entity)}`,
    liveIndex: `${prefix}:live-index`,
    monitor: (entity: EntityRef) => `${prefix}:monitor:${entityKey(entity)}`,
    alert: (id: string) => `${prefix}:alert:${id}`,
    alertLog: (id: string) => `${prefix}:alert-log:${id}`,
    alerts: `${prefix}:alerts`,
    entityAlerts: (entity: EntityRef) => `${prefix}:alerts:${entityKey(entity)}`,
    stats: `${prefix}:stats`,
    deadLetters: `${prefix}:dead-letters`,
    unregistered: `${prefix}:unregistered`,
    unregisteredReadings: `${prefix}:unregistered-readings`,
    unregisteredFirstSeen: `${prefix}:unregistered-first-seen`,
    due: `${prefix}:due`,
    catalog: `${prefix}:catalog`,
    alertChannel: `${prefix}:events:alert`,
    liveChannel: `${prefix}:events:live`,
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;
