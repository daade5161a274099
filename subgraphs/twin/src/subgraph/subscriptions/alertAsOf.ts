import { alertState, applyEventToAlert } from '@bst/coldchain';
import type { AlertEventRecord, StoredAlert } from '../../store/index.ts';

function stored(alert: ReturnType<typeof applyEventToAlert>, event: AlertEventRecord): StoredAlert | undefined {
  return alert && { ...alert, entityType: event.entityType, code: event.code };
}

/** What a subscriber sees for a transition that left no record: the record it ended, cleared, else the event's own fields. */
function shownWithout(before: StoredAlert | undefined, event: AlertEventRecord): StoredAlert {
  const base: StoredAlert = before ?? {
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
    peakValue: event.peakValue ?? null,
    message: event.message,
  };
  const endedAt = event.transition === 'WITHDRAWN' ? (base.endedAt ?? event.at) : base.endedAt;
  return { ...base, endedAt, state: alertState(endedAt, base.acknowledgedAt) };
}

/**
 * The alert as it stood right after `event`, folded from its transition log with the engine's fold: a subscriber that
 * reads the event late must not see a RAISED alert already acknowledged.
 */
export function alertAsOf(log: AlertEventRecord[], event: AlertEventRecord): StoredAlert {
  let index = -1;
  for (let i = log.length - 1; i >= 0; i--) {
    const logged = log[i] as AlertEventRecord;
    if (logged.transition === event.transition && logged.at === event.at) {
      index = i;
      break;
    }
  }
  if (index === -1) return stored(applyEventToAlert(undefined, event), event) ?? shownWithout(undefined, event);
  let alert: StoredAlert | undefined;
  let before: StoredAlert | undefined;
  for (const logged of log.slice(0, index + 1)) {
    before = alert;
    alert = stored(applyEventToAlert(alert, logged), logged);
  }
  return alert ?? shownWithout(before, event);
}
