import type { AlertEventRecord, AlertFilter, StoredAlert } from './TwinStore.ts';

export function alertMatches(alert: StoredAlert, filter: AlertFilter): boolean {
  if (filter.entityType && alert.entityType !== filter.entityType) return false;
  if (filter.codes && !filter.codes.includes(alert.code)) return false;
  if (filter.kinds && !filter.kinds.includes(alert.kind)) return false;
  if (filter.severities && !filter.severities.includes(alert.severity)) return false;
  if (filter.states && !filter.states.includes(alert.state)) return false;
  if (filter.since !== undefined && alert.startedAt < filter.since) return false;
  return true;
}

/** A transition matches by the record it left, or by its own fields when it left none (states then never match). */
export function alertEventMatches(event: AlertEventRecord, alert: StoredAlert | null, filter: AlertFilter): boolean {
  if (alert) return alertMatches(alert, filter);
  if (filter.states) return false;
  if (filter.entityType && event.entityType !== filter.entityType) return false;
  if (filter.codes && !filter.codes.includes(event.code)) return false;
  if (filter.kinds && !filter.kinds.includes(event.kind)) return false;
  if (filter.severities && !filter.severities.includes(event.severity)) return false;
  if (filter.since !== undefined && event.startedAt < filter.since) return false;
  return true;
}
