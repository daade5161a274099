import type { AlertState } from '@bst/coldchain';
import type { AlertEventRecord, StoredAlert } from './TwinStore.ts';

/** Lifecycle state follows from two independent facts: cleared or not, acknowledged or not. */
export function alertState(endedAt: number | null, acknowledgedAt: number | null): AlertState {
  return `${endedAt === null ? 'ACTIVE' : 'CLEARED'}_${acknowledgedAt === null ? 'UNACKNOWLEDGED' : 'ACKNOWLEDGED'}`;
}

/**
 * The stored alert after one transition. Each transition writes only its own fields (raise: the record, escalate:
 * severity, clear: end, update: the corrected start/end/peak/severity, acknowledge: who/when), so a bridge clearing and
 * an operator acknowledging never overwrite each other. WITHDRAWN gives the record as it stood, cleared; the store
 * then drops it. The Redis adapter's Lua does the same field writes.
 */
export function alertAfterEvent(alert: StoredAlert | null, event: AlertEventRecord): StoredAlert {
  const base: StoredAlert = alert ?? {
    id: event.alertId,
    entityType: event.entityType,
    code: event.code,
    kind: event.kind,
    severity: event.severity,
    state: 'ACTIVE_UNACKNOWLEDGED',
    startedAt: event.startedAt,
    endedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    peakValue: event.peakValue ?? event.value ?? null,
    message: event.message,
  };
  const next = { ...base };
  switch (event.transition) {
    case 'RAISED':
      break;
    case 'ESCALATED':
      next.severity = event.severity;
      next.message = event.message;
      if (event.peakValue !== undefined) next.peakValue = event.peakValue;
      break;
    case 'CLEARED':
      next.endedAt = event.at;
      if (event.peakValue !== undefined) next.peakValue = event.peakValue;
      break;
    case 'UPDATED':
      next.startedAt = event.startedAt;
      if (event.endedAt !== undefined) next.endedAt = event.endedAt;
      next.severity = event.severity;
      next.message = event.message;
      if (event.peakValue !== undefined) next.peakValue = event.peakValue;
      break;
    case 'WITHDRAWN':
      next.endedAt ??= event.at;
      break;
    case 'ACKNOWLEDGED':
      next.acknowledgedAt = event.at;
      next.acknowledgedBy = event.by ?? null;
      next.note = event.note ?? null;
      break;
  }
  next.state = alertState(next.endedAt, next.acknowledgedAt);
  return next;
}
