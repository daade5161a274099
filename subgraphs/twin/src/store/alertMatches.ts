import type { AlertFilter, StoredAlert } from './TwinStore.ts';

export function alertMatches(alert: StoredAlert, filter: AlertFilter): boolean {
  if (filter.entityType && alert.entityType !== filter.entityType) return false;
  if (filter.codes && !filter.codes.includes(alert.code)) return false;
  if (filter.kinds && !filter.kinds.includes(alert.kind)) return false;
  if (filter.severities && !filter.severities.includes(alert.severity)) return false;
  if (filter.states && !filter.states.includes(alert.state)) return false;
  if (filter.since !== undefined && alert.startedAt < filter.since) return false;
  return true;
}
