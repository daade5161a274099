import type { AlertEvent } from '@bst/coldchain';
import { type AlertEventRecord, type EntityRef, storedAlertId } from '../../store/index.ts';

/** The engine's events as the store keeps them: with the entity, and alert ids prefixed by it. */
export function toAlertEventRecords(entity: EntityRef, events: AlertEvent[]): AlertEventRecord[] {
  return events.map((event) => ({ ...event, ...entity, alertId: storedAlertId(entity, event.alertId) }));
}
