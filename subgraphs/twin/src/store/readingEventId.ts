import { entityKey } from './keys.ts';
import type { EntityRef } from './TwinStore.ts';

/**
 * The id that follows one reading from MQTT to the subscriber's log line: its dedup key (entity and event time), so a
 * redelivered message keeps its id. The live state and alert events its commit publishes carry it as `eventId`.
 */
export function readingEventId(entity: EntityRef, at: number): string {
  return `${entityKey(entity)}@${at}`;
}
