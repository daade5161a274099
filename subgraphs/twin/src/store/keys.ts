import { partitionOf, partitionTags } from './partitioning.ts';
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

/** The entity key inside a stored alert id (`{entity}:{KIND}:{n}`); null when the id has no such shape. */
export function entityKeyOfAlert(alertId: string): string | null {
  const kindColon = alertId.lastIndexOf(':', alertId.lastIndexOf(':') - 1);
  if (kindColon <= 0) return null;
  const key = alertId.slice(0, kindColon);
  return key.startsWith('container:') || key.startsWith('sample:') ? key : null;
}

/**
 * The one key naming scheme (documented in README.md). Every key of a partition, its entities' keys included, carries
 * the partition's hash tag, so each write script touches one Redis Cluster slot. The Lua scripts build the per-entity
 * and per-alert keys from `partition(n).base` with the same suffixes.
 */
export function storeKeys(prefix: string, partitions: number) {
  const tags = partitionTags(partitions);
  const partition = (n: number) => {
    const base = `${prefix}:{${tags[n]}}:`;
    return {
      base,
      liveIndex: `${base}live-index`,
      alerts: `${base}alerts`,
      stats: `${base}stats`,
      due: `${base}due`,
      unregistered: `${base}unregistered`,
      unregisteredReadings: `${base}unregistered-readings`,
      unregisteredFirstSeen: `${base}unregistered-first-seen`,
      outbox: `${base}outbox`,
      alertStream: `${base}alert-stream`,
      alertStreamMeta: `${base}alert-stream-meta`,
      readings: (key: string) => `${base}readings:${key}`,
      live: (key: string) => `${base}live:${key}`,
      monitor: (key: string) => `${base}monitor:${key}`,
      checkpoints: (key: string) => `${base}checkpoints:${key}`,
      entityAlerts: (key: string) => `${base}alerts:${key}`,
      alert: (id: string) => `${base}alert:${id}`,
      alertLog: (id: string) => `${base}alert-log:${id}`,
    };
  };
  const all = Array.from({ length: partitions }, (_, n) => partition(n));
  return {
    partitions: all,
    partitionOf: (key: string) => partitionOf(key, partitions),
    ofEntity: (key: string) => all[partitionOf(key, partitions)] as PartitionKeys,
    meta: `${prefix}:meta`,
    catalog: `${prefix}:catalog`,
    deadLetters: `${prefix}:{dead-letters}:list`,
    rejected: `${prefix}:{dead-letters}:rejected`,
    alertChannel: `${prefix}:events:alert`,
    liveChannel: `${prefix}:events:live`,
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;
export type PartitionKeys = StoreKeys['partitions'][number];
