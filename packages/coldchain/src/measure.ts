import { meanKineticTemperature } from './meanKineticTemperature.ts';
import { inside, isTemperature, round2, stepExcursions } from './stepExcursions.ts';
import type { AlertEvent, Compliance, Excursion, Excursions, Reading, StorageProfile } from './types.ts';

const MINUTE = 60_000;

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

/** A half-open stretch of time [from, to). */
type Interval = [number, number];

/** Sorts by event time and keeps one reading per event time (delivery is at least once). */
export function byEventTime(readings: readonly Reading[]): Reading[] {
  const sorted = [...readings].sort((a, b) => a.at - b.at);
  return sorted.filter((r, i) => i === 0 || sorted[i - 1]!.at !== r.at);
}

/**
 * Time is one partition: each reading holds until the next, for at most staleAfterSeconds, and a held reading is in
 * range (every needed metric known and inside), out of range (a metric known and outside) or unknown; so is time no
 * reading holds. Excursions span from their start to their end, and report the part readings held (observed) apart
 * from the part they did not (unobserved, a gap inside the excursion).
 */
export function measure(
  stretches: readonly Stretch[],
  profile: StorageProfile,
  since: number,
  until: number,
): Measured {
  const staleMs = profile.staleAfterSeconds * 1000;
  const needsHumidity = profile.minHumidityPct !== null || profile.maxHumidityPct !== null;
  let counted = 0;
  let countedInRange = 0;
  let inMs = 0;
  let outMs = 0;
  let minC: number | null = null;
  let maxC: number | null = null;
  let sumC = 0;
  let temperatures = 0;
  const heldTemperatures: { tempC: number; weight: number }[] = [];
  const known: Interval[] = [];
  const counts: { readings: number; inMs: number; from: number; to: number }[] = [];

  for (const stretch of stretches) {
    const from = Math.max(stretch.from, since);
    const to = Math.min(stretch.to, until);
    const readings = stretch.readings;
    let stretchReadings = 0;
    let stretchIn = 0;
    for (let i = 0; i < readings.length; i++) {
      const r = readings[i]!;
      if (r.at > to) break;
      const t = r.temperatureC;
      const h = r.humidityPct;
      const complete = t !== null && (!needsHumidity || h !== null);
      const ok =
        inside(t, profile.minTempC, profile.maxTempC) && inside(h, profile.minHumidityPct, profile.maxHumidityPct);
      if (r.at >= from) {
        stretchReadings++;
        if (complete && ok) countedInRange++;
        if (t !== null) {
          minC = minC === null || t < minC ? t : minC;
          maxC = maxC === null || t > maxC ? t : maxC;
          sumC += t;
          temperatures++;
        }
      }
      const next = readings[i + 1];
      const heldFrom = Math.max(r.at, from);
      const heldUntil = Math.min(next === undefined ? Number.POSITIVE_INFINITY : next.at, r.at + staleMs, to);
      const held = heldUntil - heldFrom;
      if (held <= 0) continue;
      if (!ok) outMs += held;
      else if (complete) {
        inMs += held;
        stretchIn += held;
      }
      if (!ok || complete) known.push([heldFrom, heldUntil]);
      if (t !== null) heldTemperatures.push({ tempC: t, weight: held });
    }
    counted += stretchReadings;
    counts.push({ readings: stretchReadings, inMs: stretchIn, from, to });
  }

  const knownTime = union(known);
  const spans = excursionsOf(stretches, profile, since, until);
  const excursions = spans.map(({ excursion, span }) => {
    const observed = overlapMs(knownTime, span);
    excursion.minutes = round2((span[1] - span[0]) / MINUTE);
    excursion.observedMinutes = round2(observed / MINUTE);
    excursion.unobservedMinutes = round2((span[1] - span[0] - observed) / MINUTE);
    return excursion;
  });
  const excursionTime = union(spans.map((s) => s.span));
  const spannedMs = excursionTime.reduce((sum, [a, b]) => sum + b - a, 0);
  const observedMs = excursionTime.reduce((sum, span) => sum + overlapMs(knownTime, span), 0);
  // Conservative: nothing shows a gap inside a temperature excursion was back in range, so it spends budget too.
  const budgetUsed = round2(
    union(spans.filter((s) => isTemperature(s.excursion.kind)).map((s) => s.span)).reduce(
      (sum, [a, b]) => sum + b - a,
      0,
    ) / MINUTE,
  );
  const windowMs = Math.max(0, until - since);
  const mkt = mktOf(heldTemperatures, profile);
  return {
    compliance: {
      since,
      until,
      readings: counted,
      inRangePct: counted === 0 ? 100 : round2((countedInRange / counted) * 100),
      timeInRangePct: windowMs === 0 ? 0 : round2((inMs / windowMs) * 100),
      inRangeMinutes: round2(inMs / MINUTE),
      outOfRangeMinutes: round2(outMs / MINUTE),
      unknownMinutes: round2((windowMs - inMs - outMs) / MINUTE),
      excursionMinutes: round2(observedMs / MINUTE),
      unobservedExcursionMinutes: round2((spannedMs - observedMs) / MINUTE),
      excursions,
      excursionCount: excursions.length,
      minC,
      maxC,
      meanC: temperatures === 0 ? null : round2(sumC / temperatures),
      budgetUsedMinutes: budgetUsed,
      budgetRemainingMinutes: round2(Math.max(0, profile.excursionBudgetMinutes - budgetUsed)),
      mktC: mkt.value,
      mktUnavailableReason: mkt.reason,
    },
    stretches: counts.map(({ readings, inMs: stretchIn, from, to }) => ({
      readings,
      inMs: stretchIn,
      lengthMs: Math.max(0, to - from),
      excursionMs: excursionTime.reduce(
        (sum, [a, b]) => sum + (a < to && b > from ? overlapMs(knownTime, [Math.max(a, from), Math.min(b, to)]) : 0),
        0,
      ),
    })),
  };
}

/** Sorted, disjoint intervals covering the same time, so no moment is counted twice. */
function union(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const merged: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

/** Time of `span` covered by `disjoint` (sorted, disjoint intervals). */
function overlapMs(disjoint: readonly Interval[], [from, to]: Interval): number {
  let low = 0;
  let high = disjoint.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (disjoint[mid]![1] <= from) low = mid + 1;
    else high = mid;
  }
  let total = 0;
  for (let i = low; i < disjoint.length && disjoint[i]![0] < to; i++) {
    total += Math.min(to, disjoint[i]![1]) - Math.max(from, disjoint[i]![0]);
  }
  return Math.max(0, total);
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
): { excursion: Excursion; span: Interval }[] {
  const staleMs = profile.staleAfterSeconds * 1000;
  const events: AlertEvent[] = [];
  let state: Excursions = { runs: {}, closedBudgetMs: 0, raised: {} };
  for (const stretch of stretches) {
    for (const r of stretch.ruled) {
      if (r.at > until) break;
      state = stepExcursions(state, r.at, r.temperatureC, r.humidityPct, profile, events);
    }
  }
  const found: Excursion[] = [];
  const open = new Map<string, Excursion>();
  for (const e of events) {
    if (e.kind === 'SENSOR_OFFLINE') continue;
    if (e.transition === 'RAISED') {
      const excursion: Excursion = {
        metric: isTemperature(e.kind) ? 'temperature' : 'humidity',
        kind: e.kind,
        startedAt: e.startedAt,
        endedAt: null,
        peakValue: e.peakValue ?? Number.NaN,
        minutes: 0,
        observedMinutes: 0,
        unobservedMinutes: 0,
      };
      open.set(e.alertId, excursion);
      found.push(excursion);
    } else if (e.transition === 'CLEARED') {
      const excursion = open.get(e.alertId);
      if (excursion === undefined) continue;
      excursion.endedAt = e.at;
      excursion.peakValue = e.peakValue ?? excursion.peakValue;
    }
  }
  const result: { excursion: Excursion; span: Interval }[] = [];
  for (const excursion of found) {
    let end = excursion.endedAt;
    if (end === null) {
      // Still open at the end of the data: it lasts as long as its last reading holds.
      const run = state.runs[excursion.kind]!;
      excursion.peakValue = run.peakValue;
      end = Math.max(excursion.startedAt, Math.min(run.lastAt + staleMs, until));
    }
    if ((excursion.endedAt ?? Number.POSITIVE_INFINITY) <= since || excursion.startedAt > until) continue;
    const from = Math.max(excursion.startedAt, since);
    result.push({ excursion, span: [from, Math.max(from, Math.min(end, until))] });
  }
  return result;
}

function mktOf(
  held: readonly { tempC: number; weight: number }[],
  profile: StorageProfile,
): { value: number | null; reason: string | null } {
  if (profile.kind !== 'AMBIENT' && profile.kind !== 'REFRIGERATED') {
    return { value: null, reason: `MKT applies to AMBIENT and REFRIGERATED storage, not ${profile.kind}` };
  }
  if (held.length === 0) return { value: null, reason: 'no temperature readings hold inside the window' };
  return { value: round2(meanKineticTemperature(held)), reason: null };
}
