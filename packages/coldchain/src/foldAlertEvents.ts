import { applyEventToAlert } from './applyEventToAlert.ts';
import type { Alert, AlertEvent } from './types.ts';

/** The alert records that events leave, folded in order (one entity's commit order); a withdrawn alert has none. */
export function foldAlertEvents(events: readonly AlertEvent[], records = new Map<string, Alert>()): Map<string, Alert> {
  for (const event of events) {
    const next = applyEventToAlert(records.get(event.alertId), event);
    if (next === undefined) records.delete(event.alertId);
    else records.set(event.alertId, next);
  }
  return records;
}
