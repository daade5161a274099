import { type AlertEventRecord, alertAfterEvent, type StoredAlert } from '../../store/index.ts';

/**
 * The alert as it stood right after `event`, folded from its transition log: a subscriber that reads the event late
 * must not see a RAISED alert already acknowledged.
 */
export function alertAsOf(log: AlertEventRecord[], event: AlertEventRecord): StoredAlert {
  let index = -1;
  for (let i = log.length - 1; i >= 0; i--) {
    const logged = log[i]!;
    if (logged.transition === event.transition && logged.at === event.at) {
      index = i;
      break;
    }
  }
  if (index === -1) return alertAfterEvent(null, event);
  let alert: StoredAlert | null = null;
  for (const [i, logged] of log.slice(0, index + 1).entries()) {
    // After a withdrawal the id names the next excursion of its kind: start that record afresh.
    if (i > 0 && log[i - 1]!.transition === 'WITHDRAWN') alert = null;
    alert = alertAfterEvent(alert, logged);
  }
  return alert as StoredAlert;
}
