import { alertMessage } from './alertMessage.ts';
import { alertState } from './alertState.ts';
import type { Alert, AlertEvent, Severity } from './types.ts';

/**
 * The one statement of the alert lifecycle: the record an alert has after one more transition, `undefined` for none.
 * The Redis store's Lua (`applyAlertEvent`) mirrors it line by line and a property test holds the two together.
 *
 * - Only RAISED creates a record; a RAISED for an alert that has one is a redelivery and changes nothing.
 * - Any other transition for an alert with no record leaves no record (the stores still log and publish it).
 * - ESCALATED and CLEARED raise the severity to the higher one and the peak to the more extreme one; CLEARED keeps the
 *   first end. UPDATED is a correction: it sets start, severity and peak (when given) and the end (`null` reopens).
 * - WITHDRAWN removes the record. ACKNOWLEDGED sets who, when and the note once; a second one changes nothing.
 * - State and message are derived from the record's fields (`alertState`, `alertMessage`).
 */
export function applyEventToAlert(alert: Alert | undefined, event: AlertEvent): Alert | undefined {
  if (alert === undefined) {
    if (event.transition !== 'RAISED') return undefined;
    return derived({
      id: event.alertId,
      kind: event.kind,
      severity: event.severity,
      startedAt: event.startedAt,
      endedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      note: null,
      peakValue: event.peakValue ?? null,
    });
  }
  switch (event.transition) {
    case 'RAISED':
      return alert;
    case 'ESCALATED':
      return derived({
        ...alert,
        severity: higher(alert.severity, event.severity),
        peakValue: extreme(alert, event.peakValue),
      });
    case 'CLEARED':
      return derived({
        ...alert,
        endedAt: alert.endedAt ?? event.at,
        severity: higher(alert.severity, event.severity),
        peakValue: extreme(alert, event.peakValue),
      });
    case 'UPDATED':
      return derived({
        ...alert,
        startedAt: event.startedAt,
        endedAt: event.endedAt === undefined ? alert.endedAt : event.endedAt,
        severity: event.severity,
        peakValue: event.peakValue ?? alert.peakValue,
      });
    case 'WITHDRAWN':
      return undefined;
    case 'ACKNOWLEDGED':
      if (alert.acknowledgedAt !== null) return alert;
      return derived({
        ...alert,
        acknowledgedAt: event.at,
        acknowledgedBy: event.by ?? null,
        note: event.note ?? null,
      });
  }
}

function derived(fields: Omit<Alert, 'state' | 'message'>): Alert {
  return {
    ...fields,
    state: alertState(fields.endedAt, fields.acknowledgedAt),
    message: alertMessage(fields.kind, fields.severity, fields.peakValue),
  };
}

/** The worst value seen: a low excursion's peak is its minimum. */
function extreme(alert: Alert, value: number | undefined): number | null {
  if (value === undefined) return alert.peakValue;
  if (alert.peakValue === null) return value;
  const low = alert.kind === 'TEMPERATURE_LOW' || alert.kind === 'HUMIDITY_LOW';
  return low ? Math.min(value, alert.peakValue) : Math.max(value, alert.peakValue);
}

const rank: Record<Severity, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };

function higher(a: Severity, b: Severity): Severity {
  return rank[b] > rank[a] ? b : a;
}
