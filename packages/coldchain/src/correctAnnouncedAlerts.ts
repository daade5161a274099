import { alertId } from './alertId.ts';
import type { AlertEvent, AlertKind, Excursions, Severity } from './types.ts';

/** What the alert records say about one replay: exactly what its events, folded in order, give. */
interface Announced {
  kind: AlertKind;
  startedAt: number;
  endedAt: number | null;
  severity: Severity;
  /** Unknown for an excursion raised before the replay's base with no event inside the replay. */
  peakValue: number | undefined;
}

/**
 * The events that take the stored alerts from what the replay `before` some late readings announced to what the
 * replay `after` them announces (both from the same base), so the records end as if the readings had come sorted:
 * new alerts are raised, one that ends earlier (a split) is CLEARED, one that now lasts too long is ESCALATED, any
 * other change (start, end, peak, severity) is an UPDATED carrying the corrected fields, and one that no longer exists
 * is WITHDRAWN. Excursions and SENSOR_OFFLINE alike; every event is marked `late`.
 */
export function correctAnnouncedAlerts(
  base: Excursions,
  before: readonly AlertEvent[],
  after: readonly AlertEvent[],
  at: number,
): AlertEvent[] {
  const was = announced(base, before);
  const now = announced(base, after);
  const afterById = new Map<string, AlertEvent[]>();
  for (const event of after) {
    const own = afterById.get(event.alertId);
    if (own === undefined) afterById.set(event.alertId, [event]);
    else own.push(event);
  }
  const events: AlertEvent[] = [];
  for (const [id, corrected] of now) {
    const own = afterById.get(id) ?? [];
    const previous = was.get(id);
    if (previous === undefined) {
      events.push(...own);
      continue;
    }
    const projected = { ...previous };
    const cleared = own.find((e) => e.transition === 'CLEARED');
    if (cleared !== undefined && previous.endedAt === null && corrected.endedAt !== null) {
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
      message:
        withdrawn.kind === 'SENSOR_OFFLINE'
          ? 'Withdrawn: a late reading shows the sensor was not silent that long'
          : 'Withdrawn: a late reading shows this was not an excursion',
    });
  }
  return inEventTimeOrder(events).map((e) => ({ ...e, late: true }));
}

/** Sorted by event time, except that one alert's events keep their order (RAISED first, a correction last). */
function inEventTimeOrder(events: readonly AlertEvent[]): AlertEvent[] {
  const latest = new Map<string, number>();
  const keyed = events.map((event) => {
    const key = Math.max(event.at, latest.get(event.alertId) ?? Number.NEGATIVE_INFINITY);
    latest.set(event.alertId, key);
    return { event, key };
  });
  return keyed.sort((a, b) => a.key - b.key).map(({ event }) => event);
}

function announced(base: Excursions, events: readonly AlertEvent[]): Map<string, Announced> {
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
        kind: event.kind,
        startedAt: event.startedAt,
        endedAt: event.transition === 'CLEARED' ? event.at : null,
        severity: event.severity,
        peakValue: event.peakValue,
      });
    } else {
      fold(alert, event);
    }
  }
  return alerts;
}

/** As the stored record folds it (applyEventToAlert): severity and peak take the extreme, UPDATED sets what it carries. */
function fold(alert: Announced, event: AlertEvent): void {
  if (event.transition === 'UPDATED') {
    alert.startedAt = event.startedAt;
    if (event.endedAt !== undefined) alert.endedAt = event.endedAt;
    alert.severity = event.severity;
    if (event.peakValue !== undefined) alert.peakValue = event.peakValue;
    return;
  }
  if (event.transition === 'CLEARED') alert.endedAt ??= event.at;
  if (event.severity === 'CRITICAL') alert.severity = 'CRITICAL';
  const peak = event.peakValue;
  if (peak === undefined) return;
  const low = alert.kind === 'TEMPERATURE_LOW' || alert.kind === 'HUMIDITY_LOW';
  if (alert.peakValue === undefined || (low ? peak < alert.peakValue : peak > alert.peakValue)) alert.peakValue = peak;
}

const labels: Record<AlertKind, string> = {
  TEMPERATURE_HIGH: 'Temperature above range',
  TEMPERATURE_LOW: 'Temperature below range',
  HUMIDITY_HIGH: 'Humidity above range',
  HUMIDITY_LOW: 'Humidity below range',
  SENSOR_OFFLINE: 'Sensor silent for longer than allowed',
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
