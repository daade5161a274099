import { complianceOf, excursionTimeOf } from './complianceOf.ts';
import { type EndedExcursion, type ExcursionSpan, excursionSpans } from './excursionSpans.ts';
import { stepExcursions } from './stepExcursions.ts';
import { accumulateTime, emptyTimeFigures, overlapMs } from './timeFigures.ts';
import type { AlertEvent, Compliance, ExcursionKind, Excursions, Reading, StorageProfile } from './types.ts';

/** A stretch of time observed by one sensor: compliance has one, a sample's exposure one per custody hop. */
export interface Stretch {
  /** Sorted by event time, one per event time. */
  readings: readonly Reading[];
  from: number;
  to: number;
  /** What the excursion rules see for this stretch, in order (may include readings before `from`). */
  ruled: readonly Reading[];
}

export interface StretchFigures {
  readings: number;
  inMs: number;
  lengthMs: number;
  /** Observed excursion time inside the stretch (each moment once). */
  excursionMs: number;
}

export interface Measured {
  compliance: Compliance;
  stretches: StretchFigures[];
}

/** Sorts by event time and keeps one reading per event time (delivery is at least once). */
export function byEventTime(readings: readonly Reading[]): Reading[] {
  const sorted = [...readings].sort((a, b) => a.at - b.at);
  return sorted.filter((r, i) => i === 0 || sorted[i - 1]!.at !== r.at);
}

/**
 * Time is one partition: each reading holds until the next, for at most staleAfterSeconds, and a held reading is in
 * range (every needed metric known and inside), out of range (a metric known and outside) or unknown; so is time no
 * reading holds (`accumulateTime`). Excursions span from their start to their end, and report the part readings held
 * (observed) apart from the part they did not (unobserved, a gap inside the excursion).
 */
export function measure(
  stretches: readonly Stretch[],
  profile: StorageProfile,
  since: number,
  until: number,
): Measured {
  const time = emptyTimeFigures();
  const counts: { readings: number; inMs: number; from: number; to: number }[] = [];
  for (const stretch of stretches) {
    const from = Math.max(stretch.from, since);
    const to = Math.min(stretch.to, until);
    const readingsBefore = time.readings;
    const inBefore = time.inMs;
    accumulateTime(time, stretch.readings, profile, from, to, true);
    counts.push({ readings: time.readings - readingsBefore, inMs: time.inMs - inBefore, from, to });
  }
  const spans = excursionsOf(stretches, profile, since, until);
  const excursionTime = excursionTimeOf(spans);
  return {
    compliance: complianceOf(time, spans, profile, since, until),
    stretches: counts.map(({ readings, inMs, from, to }) => ({
      readings,
      inMs,
      lengthMs: Math.max(0, to - from),
      excursionMs: excursionTime.reduce(
        (sum, [a, b]) => sum + (a < to && b > from ? overlapMs(time.known, [Math.max(a, from), Math.min(b, to)]) : 0),
        0,
      ),
    })),
  };
}

/**
 * The same rules as the live engine (delay, hysteresis, readings holding at most staleAfterSeconds), so the list
 * matches the alert records; each with its span inside the window.
 */
function excursionsOf(
  stretches: readonly Stretch[],
  profile: StorageProfile,
  since: number,
  until: number,
): ExcursionSpan[] {
  const events: AlertEvent[] = [];
  let state: Excursions = { runs: {}, closedBudgetMs: 0, raised: {} };
  for (const stretch of stretches) {
    for (const r of stretch.ruled) {
      if (r.at > until) break;
      state = stepExcursions(state, r.at, r.temperatureC, r.humidityPct, profile, events);
    }
  }
  const raised = new Map<string, { kind: ExcursionKind; startedAt: number }>();
  const ended: EndedExcursion[] = [];
  for (const e of events) {
    if (e.kind === 'SENSOR_OFFLINE') continue;
    if (e.transition === 'RAISED') raised.set(e.alertId, { kind: e.kind, startedAt: e.startedAt });
    else if (e.transition === 'CLEARED') {
      const excursion = raised.get(e.alertId);
      if (excursion === undefined) continue;
      raised.delete(e.alertId);
      ended.push({ ...excursion, endedAt: e.at, peakValue: e.peakValue ?? Number.NaN });
    }
  }
  return excursionSpans(ended, state, profile, since, until);
}
