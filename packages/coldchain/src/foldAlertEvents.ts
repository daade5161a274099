import { applyEventToAlert } from './applyEventToAlert.ts';
import type { Alert, AlertEvent } from './types.ts';

/** The alert records that one entity's events leave, folded in order; a WITHDRAWN alert has no record. */
export function foldAlertEvents(events: readonly AlertEvent[], records = new Map<string, Alert>()): Map<string, Alert> {
  for (const event of events) {
    if (event.transition === 'WITHDRAWN') records.delete(event.alertId);
    else records.set(event.alertId, applyEventToAlert(records.get(event.alertId), event));
  }
  return records;
}
