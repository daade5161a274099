import { alertId } from './alertId.ts';
import type { AlertEvent, ExcursionKind, Excursions, Severity } from './types.ts';

/** What the alert records say about the excursions of one replay: exactly what its events folded in order give. */
interface Announced {
  kind: ExcursionKind;
  startedAt: number;
  endedAt: number | null;
  severity: Severity;
  /** Unknown for an excursion raised before the replay's base with no event inside the replay. */
  peakValue: number | undefined;
}

/**
 * The events that take the stored alerts from what the replay `before` a late reading announced to what the replay
 * `after` it announces (both from the same base), so the records end as if the readings had come sorted: new alerts
 * are raised, one that ends earlier (a split) is CLEARED, one that now lasts too long is ESCALATED, any other change
 * (start, end, peak, severity) is an UPDATED carrying the corrected fields, and one that no longer exists is WITHDRAWN.
 */
export function correctAnnouncedAlerts(
  base: Excursions,
  before: { events: readonly AlertEvent[]; current: Excursions },
  after: { events: readonly AlertEvent[]; current: Excursions },
  at: number,
): AlertEvent[] {
  const was = announced(base, before.events, before.current);
  const now = announced(base, after.events, after.current);
  const events: AlertEvent[] = [];
  for (const [id, corrected] of now) {
    const own = after.events.filter((e) => e.alertId === id);
    const previous = was.get(id);
    if (previous === undefined) {
      events.push(...own);
      continue;
    }
    const projected = { ...previous };
    const cleared = own.find((e) => e.transition === 'CLEARED');
    if (cleared !== undefined && previous.endedAt === null) {
      events.push(cleared);
      fold(projected, cleared);
    }
    const escalated = own.find((e) => e.transition === 'ESCALATED');
    if (escalated !== undefined && corrected.severity === 'CRITICAL' && projected.severity !== 'CRITICAL') {
      events.push(escalated);
      fold(projected, escalated);
    }
    if (
      projected.startedAt !== corrected.startedAt ||
      projected.endedAt !== corrected.endedAt ||
      projected.severity !== corrected.severity ||
      (corrected.peakValue !== undefined && projected.peakValue !== corrected.peakValue)
    ) {
      events.push(updated(id, corrected, at));
    }
  }
  for (const [id, withdrawn] of was) {
    if (now.has(id)) continue;
    events.push({
      transition: 'WITHDRAWN',
      alertId: id,
      kind: withdrawn.kind,
      severity: withdrawn.severity,
      at,
      startedAt: withdrawn.startedAt,
      ...(withdrawn.peakValue === undefined ? {} : { peakValue: withdrawn.peakValue }),
      message: 'Withdrawn: a late reading shows this was not an excursion',
    });
  }
  // Stable: one alert's events keep their order (RAISED first), the stream stays in event-time order.
  return events.sort((a, b) => a.at - b.at);
}

function announced(base: Excursions, events: readonly AlertEvent[], current: Excursions): Map<string, Announced> {
  const alerts = new Map<string, Announced>();
  for (const run of Object.values(base.runs)) {
    if (run.severity === null) continue;
    alerts.set(alertId(run.kind, run.ordinal), {
      kind: run.kind,
      startedAt: run.startedAt,
      endedAt: null,
      severity: run.severity,
      peakValue: undefined,
    });
  }
  for (const event of events) {
    const alert = alerts.get(event.alertId);
    if (alert === undefined) {
      alerts.set(event.alertId, {
        kind: event.kind as ExcursionKind,
        startedAt: event.startedAt,
        endedAt: null,
        severity: event.severity,
        peakValue: event.peakValue,
      });
    } else {
      fold(alert, event);
    }
  }
  // An escalation by a tick is in the state, not in the replayed events.
  for (const run of Object.values(current.runs)) {
    const alert = run.severity === null ? undefined : alerts.get(alertId(run.kind, run.ordinal));
    if (alert !== undefined && run.severity !== null) alert.severity = run.severity;
  }
  return alerts;
}

function fold(alert: Announced, event: AlertEvent): void {
  if (event.transition === 'CLEARED') alert.endedAt = event.at;
  // As the stored record does: only an escalation sets severity (a clear keeps it; a correction is an UPDATED).
  if (event.transition === 'ESCALATED') alert.severity = event.severity;
  // The worst value, as an order-free fold keeps it; a lower corrected peak then needs an UPDATED.
  const peak = event.peakValue;
  if (peak === undefined) return;
  const low = alert.kind === 'TEMPERATURE_LOW' || alert.kind === 'HUMIDITY_LOW';
  if (alert.peakValue === undefined || (low ? peak < alert.peakValue : peak > alert.peakValue)) alert.peakValue = peak;
}

const labels: Record<ExcursionKind, string> = {
  TEMPERATURE_HIGH: 'Temperature above range',
  TEMPERATURE_LOW: 'Temperature below range',
  HUMIDITY_HIGH: 'Humidity above range',
  HUMIDITY_LOW: 'Humidity below range',
};

function updated(id: string, alert: Announced, at: number): AlertEvent {
  const unit = alert.kind.startsWith('HUMIDITY') ? '%' : '°C';
  const peak = alert.peakValue === undefined ? '' : ` (peak ${alert.peakValue} ${unit})`;
  return {
    transition: 'UPDATED',
    alertId: id,
    kind: alert.kind,
    severity: alert.severity,
    at,
    startedAt: alert.startedAt,
    endedAt: alert.endedAt,
    ...(alert.peakValue === undefined ? {} : { peakValue: alert.peakValue }),
    message: `${labels[alert.kind]}${peak}, corrected by a late reading`,
  };
}
