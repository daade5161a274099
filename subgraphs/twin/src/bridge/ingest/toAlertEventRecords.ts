import type { AlertEvent } from '@bst/coldchain';
import { type AlertEventRecord, type EntityRef, storedAlertId } from '../../store/index.ts';

/** The engine's events as the store keeps them: with the entity, alert ids prefixed by it, and the reading's id. */
export function toAlertEventRecords(entity: EntityRef, events: AlertEvent[], eventId?: string): AlertEventRecord[] {
  return events.map((event) => ({
    ...event,
    ...entity,
    alertId: storedAlertId(entity, event.alertId),
    ...(eventId === undefined ? {} : { eventId }),
  }));
}
