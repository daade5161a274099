import type { Alert, AlertEvent, AlertState } from './types.ts';

/**
 * Folds an engine event into the stored alert record. RAISED, ESCALATED, CLEARED and ACKNOWLEDGED are idempotent and
 * order-tolerant, so a redelivered or reordered event (two bridges, retries) leaves the same record. UPDATED is a
 * correction that sets the fields it carries, so fold one entity's events in the engine's order (the CAS commit order).
 * WITHDRAWN returns the record as it stood when withdrawn (cleared); the caller then drops the record.
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
    message: messageOf(event.kind, event.severity, null),
  };
  const peakValue = peakOf(record, event);
  switch (event.transition) {
    case 'RAISED':
    case 'ESCALATED': {
      const severity = higher(record.severity, event.severity);
      return { ...record, severity, peakValue, message: messageOf(record.kind, severity, peakValue) };
    }
    case 'CLEARED':
      return {
        ...record,
        state: withCleared(record.state),
        endedAt: record.endedAt ?? event.at,
        peakValue,
        severity: higher(record.severity, event.severity),
        message: messageOf(record.kind, higher(record.severity, event.severity), peakValue),
      };
    case 'UPDATED': {
      const endedAt = event.endedAt === undefined ? record.endedAt : event.endedAt;
      const peak = event.peakValue ?? record.peakValue;
      return {
        ...record,
        startedAt: event.startedAt,
        endedAt,
        state: endedAt === null ? withActive(record.state) : withCleared(record.state),
        severity: event.severity,
        peakValue: peak,
        message: messageOf(record.kind, event.severity, peak),
      };
    }
    case 'WITHDRAWN':
      return { ...record, state: withCleared(record.state), endedAt: record.endedAt ?? event.at };
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

/** The worst value seen: events may arrive in any order, so take the extreme rather than the latest. */
function peakOf(record: Alert, event: AlertEvent): number | null {
  const value = event.peakValue;
  if (value === undefined) return record.peakValue;
  if (record.peakValue === null) return value;
  const low = record.kind === 'TEMPERATURE_LOW' || record.kind === 'HUMIDITY_LOW';
  return low ? Math.min(value, record.peakValue) : Math.max(value, record.peakValue);
}

/** Derived from the record alone, so the message does not depend on which event arrived last. */
function messageOf(kind: Alert['kind'], severity: Alert['severity'], peakValue: number | null): string {
  const peak = peakValue === null ? '' : ` (peak ${peakValue} ${kind.startsWith('HUMIDITY') ? '%' : '°C'})`;
  const what: Record<Alert['kind'], string> = {
    TEMPERATURE_HIGH: 'Temperature above range',
    TEMPERATURE_LOW: 'Temperature below range',
    HUMIDITY_HIGH: 'Humidity above range',
    HUMIDITY_LOW: 'Humidity below range',
    SENSOR_OFFLINE: 'Sensor silent for longer than allowed',
  };
  return `${what[kind]}${peak}${severity === 'CRITICAL' ? ', critical' : ''}`;
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

function withActive(state: AlertState): AlertState {
  return state === 'CLEARED_ACKNOWLEDGED' || state === 'ACTIVE_ACKNOWLEDGED'
    ? 'ACTIVE_ACKNOWLEDGED'
    : 'ACTIVE_UNACKNOWLEDGED';
}

function withAcknowledged(state: AlertState): AlertState {
  return state === 'ACTIVE_UNACKNOWLEDGED' ? 'ACTIVE_ACKNOWLEDGED' : 'CLEARED_ACKNOWLEDGED';
}
