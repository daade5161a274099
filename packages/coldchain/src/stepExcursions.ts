import { alertId } from './alertId.ts';
import type { AlertEvent, ExcursionKind, Excursions, Run, Severity, StorageProfile } from './types.ts';

const MINUTE = 60_000;

const labels: Record<ExcursionKind, { metric: string; unit: string; side: string }> = {
  TEMPERATURE_HIGH: { metric: 'Temperature', unit: '°C', side: 'above' },
  TEMPERATURE_LOW: { metric: 'Temperature', unit: '°C', side: 'below' },
  HUMIDITY_HIGH: { metric: 'Humidity', unit: '%', side: 'above' },
  HUMIDITY_LOW: { metric: 'Humidity', unit: '%', side: 'below' },
};

/**
 * Advances the excursion state of one entity by one reading, in event-time order.
 * Returns the same object when nothing changed, so the common in-range reading allocates nothing.
 * Events are pushed to `events` when given (a replay that only rebuilds state passes null).
 */
export function stepExcursions(
  excursions: Excursions,
  at: number,
  temperatureC: number | null,
  humidityPct: number | null,
  profile: StorageProfile,
  events: AlertEvent[] | null,
): Excursions {
  const runs = excursions.runs;
  const temperatureHigh = runs.TEMPERATURE_HIGH;
  const temperatureLow = runs.TEMPERATURE_LOW;
  const humidityHigh = runs.HUMIDITY_HIGH;
  const humidityLow = runs.HUMIDITY_LOW;
  if (
    temperatureHigh === undefined &&
    temperatureLow === undefined &&
    humidityHigh === undefined &&
    humidityLow === undefined &&
    inside(temperatureC, profile.minTempC, profile.maxTempC) &&
    inside(humidityPct, profile.minHumidityPct, profile.maxHumidityPct)
  ) {
    return excursions;
  }
  // Built field by field: a spread of a runs object that once lost a key (delete) copies a slow dictionary.
  const nextRuns: Excursions['runs'] = {};
  if (temperatureHigh !== undefined) nextRuns.TEMPERATURE_HIGH = temperatureHigh;
  if (temperatureLow !== undefined) nextRuns.TEMPERATURE_LOW = temperatureLow;
  if (humidityHigh !== undefined) nextRuns.HUMIDITY_HIGH = humidityHigh;
  if (humidityLow !== undefined) nextRuns.HUMIDITY_LOW = humidityLow;
  const next: Excursions = { runs: nextRuns, closedBudgetMs: excursions.closedBudgetMs, raised: excursions.raised };

  if (temperatureC !== null) {
    track(next, 'TEMPERATURE_HIGH', temperatureC, at, profile.maxTempC, profile.hysteresisC, profile, events);
    track(next, 'TEMPERATURE_LOW', temperatureC, at, profile.minTempC, profile.hysteresisC, profile, events);
  }
  if (humidityPct !== null) {
    track(next, 'HUMIDITY_HIGH', humidityPct, at, profile.maxHumidityPct, profile.hysteresisPct, profile, events);
    track(next, 'HUMIDITY_LOW', humidityPct, at, profile.minHumidityPct, profile.hysteresisPct, profile, events);
  }
  if (anyWarning(nextRuns)) escalate(next, at, at, profile, events);
  return next;
}

/** Only a raised, not yet critical excursion can escalate, and most readings of an excursion come after that. */
function anyWarning(runs: Excursions['runs']): boolean {
  return (
    runs.TEMPERATURE_HIGH?.severity === 'WARNING' ||
    runs.TEMPERATURE_LOW?.severity === 'WARNING' ||
    runs.HUMIDITY_HIGH?.severity === 'WARNING' ||
    runs.HUMIDITY_LOW?.severity === 'WARNING'
  );
}

/**
 * Escalates open excursions that outlast maxExcursionMinutes or exhaust the budget, each measured at `until` but no
 * further than its last reading holds. Returns whether any escalated.
 */
export function escalate(
  excursions: Excursions,
  until: number,
  at: number,
  profile: StorageProfile,
  events: AlertEvent[] | null,
): boolean {
  let changed = false;
  const runs = excursions.runs;
  for (const kind of excursionKinds) {
    const run = runs[kind];
    if (run === undefined || run.severity !== 'WARNING') continue;
    const reason = escalationReason(excursions, run, heldUntil(run, until, profile), profile);
    if (reason === null) continue;
    const escalated: Run = { ...run, severity: 'CRITICAL' };
    runs[kind] = escalated;
    changed = true;
    events?.push(event('ESCALATED', escalated, at, 'CRITICAL', `${describe(run)}: ${reason}`));
  }
  return changed;
}

/** A run's readings hold for at most staleAfterSeconds: beyond that its time is unknown, not excursion. */
function heldUntil(run: Run, until: number, profile: StorageProfile): number {
  return Math.max(run.startedAt, Math.min(until, run.lastAt + profile.staleAfterSeconds * 1000));
}

export const excursionKinds: readonly ExcursionKind[] = [
  'TEMPERATURE_HIGH',
  'TEMPERATURE_LOW',
  'HUMIDITY_HIGH',
  'HUMIDITY_LOW',
];

export function isTemperature(kind: ExcursionKind): boolean {
  return kind === 'TEMPERATURE_HIGH' || kind === 'TEMPERATURE_LOW';
}

/** Out of range is strictly beyond a limit; a missing limit never is. */
export function inside(value: number | null, min: number | null, max: number | null): boolean {
  return value === null || ((min === null || value >= min) && (max === null || value <= max));
}

/** Temperature excursion time spent so far: ended excursions plus open ones, each measured as far as `until`. */
export function budgetUsedMs(excursions: Excursions, until: number, profile: StorageProfile): number {
  let used = excursions.closedBudgetMs;
  const { TEMPERATURE_HIGH: high, TEMPERATURE_LOW: low } = excursions.runs;
  if (high?.severity) used += heldUntil(high, until, profile) - high.startedAt;
  if (low?.severity) used += heldUntil(low, until, profile) - low.startedAt;
  return used;
}

function track(
  next: Excursions,
  kind: ExcursionKind,
  value: number,
  at: number,
  limit: number | null,
  hysteresis: number,
  profile: StorageProfile,
  events: AlertEvent[] | null,
): void {
  if (limit === null) return;
  const high = kind === 'TEMPERATURE_HIGH' || kind === 'HUMIDITY_HIGH';
  const out = high ? value > limit : value < limit;
  const run = next.runs[kind];
  if (run === undefined) {
    if (!out) return;
    const started: Run = { kind, startedAt: at, lastAt: at, peakValue: value, severity: null, ordinal: 0 };
    next.runs[kind] = started;
    confirm(next, started, at, value, profile, events);
    return;
  }
  const recovered = high ? value <= limit - hysteresis : value >= limit + hysteresis;
  if (recovered) {
    delete next.runs[kind];
    // Ended by this reading, or where its last reading stopped holding when a gap came first: the gap is unknown.
    const end = heldUntil(run, at, profile);
    const ended: Run = { ...run, lastAt: at };
    const deserved = severityAtEnd(next, run, end, profile);
    if (ended.severity === null) {
      // A run that ends having lasted the delay was an excursion all along: raise and clear it together.
      if (end - run.startedAt < profile.excursionDelaySeconds * 1000) return;
      ended.severity = deserved;
      ended.ordinal = nextOrdinal(next, kind);
      events?.push(event('RAISED', ended, end, deserved, raisedMessage(ended), value));
    } else if (deserved === 'CRITICAL' && ended.severity === 'WARNING') {
      // As a tick at its end would have: the severity of an ended excursion does not depend on ticks.
      events?.push(
        event('ESCALATED', ended, end, deserved, `${describe(ended)}: ${escalationReason(next, run, end, profile)}`),
      );
    }
    if (isTemperature(kind)) next.closedBudgetMs += end - run.startedAt;
    const minutes = round2((end - run.startedAt) / MINUTE);
    events?.push(event('CLEARED', ended, end, deserved, `${describe(ended)} ended after ${minutes} min`, value));
    if (deserved === 'WARNING' && ended.severity === 'CRITICAL') {
      // A tick escalated it assuming its last reading still held; a reading delivered later shows it ended sooner.
      events?.push({
        ...event('UPDATED', ended, end, deserved, `${describe(ended)}: ended before it outlasted its limits`),
        peakValue: ended.peakValue,
        endedAt: end,
      });
    }
    return;
  }
  const peakValue = out && (high ? value > run.peakValue : value < run.peakValue) ? value : run.peakValue;
  const continued: Run = {
    kind: run.kind,
    startedAt: run.startedAt,
    lastAt: at,
    peakValue,
    severity: run.severity,
    ordinal: run.ordinal,
  };
  next.runs[kind] = continued;
  if (continued.severity === null) confirm(next, continued, at, value, profile, events);
}

function confirm(
  next: Excursions,
  run: Run,
  at: number,
  value: number,
  profile: StorageProfile,
  events: AlertEvent[] | null,
): void {
  if (at - run.startedAt < profile.excursionDelaySeconds * 1000) return;
  run.severity = severityAtRaise(next, run, at, profile);
  run.ordinal = nextOrdinal(next, run.kind);
  events?.push(event('RAISED', run, at, run.severity, raisedMessage(run), value));
}

/** Ordinals count raised excursions only, so they follow from the sorted readings alone (a pending run takes none). */
function nextOrdinal(next: Excursions, kind: ExcursionKind): number {
  const ordinal = (next.raised[kind] ?? 0) + 1;
  const raised = { ...next.raised };
  raised[kind] = ordinal;
  next.raised = raised;
  return ordinal;
}

function severityAtRaise(excursions: Excursions, run: Run, at: number, profile: StorageProfile): Severity {
  return escalationReason(excursions, run, at, profile) === null ? 'WARNING' : 'CRITICAL';
}

/** The limits only grow with time, so an ended excursion deserves CRITICAL exactly when it qualifies at its end. */
function severityAtEnd(excursions: Excursions, run: Run, end: number, profile: StorageProfile): Severity {
  return escalationReason(excursions, { ...run, severity: null }, end, profile) === null ? 'WARNING' : 'CRITICAL';
}

function escalationReason(excursions: Excursions, run: Run, until: number, profile: StorageProfile): string | null {
  const lasted = until - run.startedAt;
  if (lasted > profile.maxExcursionMinutes * MINUTE) {
    return `lasted ${round2(lasted / MINUTE)} min, longer than ${profile.maxExcursionMinutes} min`;
  }
  if (isTemperature(run.kind)) {
    // A run being raised or ended is not counted among open excursions, so add it here.
    const used =
      budgetUsedMs(excursions, until, profile) + (run.severity === null || !isOpen(excursions, run) ? lasted : 0);
    if (used > profile.excursionBudgetMinutes * MINUTE) {
      return `excursion budget of ${profile.excursionBudgetMinutes} min exhausted (${round2(used / MINUTE)} min used)`;
    }
  }
  return null;
}

function isOpen(excursions: Excursions, run: Run): boolean {
  return excursions.runs[run.kind] === run && run.severity !== null;
}

/** ESCALATED carries no peak: when a tick escalates depends on wall-clock pace, the record's peak must not. */
function event(
  transition: AlertEvent['transition'],
  run: Run,
  at: number,
  severity: Severity,
  message: string,
  value?: number,
): AlertEvent {
  const e: AlertEvent = {
    transition,
    alertId: alertId(run.kind, run.ordinal),
    kind: run.kind,
    severity,
    at,
    startedAt: run.startedAt,
    message,
  };
  if (transition !== 'ESCALATED') e.peakValue = run.peakValue;
  if (value !== undefined) e.value = value;
  return e;
}

function raisedMessage(run: Run): string {
  const { metric, unit, side } = labels[run.kind];
  return `${metric} ${side} range: ${run.peakValue} ${unit}`;
}

function describe(run: Run): string {
  const { metric, side } = labels[run.kind];
  return `${metric} ${side} range (peak ${run.peakValue} ${labels[run.kind].unit})`;
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
