import type { Alert, AlertEvent, AlertState } from './types.ts';

/**
 * Folds an engine event into the stored alert record. Idempotent and order-tolerant, so a redelivered
 * or reordered event (two bridges, retries) leaves the same record.
 */
export function applyEventToAlert(alert: Alert | undefined, event: AlertEvent): Alert {
  const record: Alert = alert ?? {
    id: event.alertId,
    kind: event.kind,
    severity: event.severity,
    state: 'ACTIVE_UNACKNOWLEDGED',
    startedAt: event.startedAt,
    endedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    peakValue: null,
    message: event.message,
  };
  const peakValue = event.peakValue ?? record.peakValue;
  switch (event.transition) {
    case 'RAISED':
      return { ...record, severity: higher(record.severity, event.severity), peakValue, message: record.message };
    case 'ESCALATED':
      return { ...record, severity: higher(record.severity, event.severity), peakValue, message: event.message };
    case 'CLEARED':
      return {
        ...record,
        state: withCleared(record.state),
        endedAt: record.endedAt ?? event.at,
        peakValue,
        severity: higher(record.severity, event.severity),
      };
    case 'ACKNOWLEDGED':
      if (record.acknowledgedAt !== null) return record;
      return {
        ...record,
        state: withAcknowledged(record.state),
        acknowledgedAt: event.at,
        acknowledgedBy: event.by ?? null,
        note: event.note ?? null,
      };
  }
}

const rank = { INFO: 0, WARNING: 1, CRITICAL: 2 } as const;

function higher(a: Alert['severity'], b: Alert['severity']): Alert['severity'] {
  return rank[b] > rank[a] ? b : a;
}

function withCleared(state: AlertState): AlertState {
  return state === 'ACTIVE_ACKNOWLEDGED' || state === 'CLEARED_ACKNOWLEDGED'
    ? 'CLEARED_ACKNOWLEDGED'
    : 'CLEARED_UNACKNOWLEDGED';
}

function withAcknowledged(state: AlertState): AlertState {
  return state === 'ACTIVE_UNACKNOWLEDGED' ? 'ACTIVE_ACKNOWLEDGED' : 'CLEARED_ACKNOWLEDGED';
}
