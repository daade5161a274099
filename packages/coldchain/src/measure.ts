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
  const figures: StretchFigures[] = [];

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
      const known = t !== null && (!needsHumidity || h !== null);
      const ok =
        inside(t, profile.minTempC, profile.maxTempC) && inside(h, profile.minHumidityPct, profile.maxHumidityPct);
      if (r.at >= from) {
        stretchReadings++;
        if (known && ok) countedInRange++;
        if (t !== null) {
          minC = minC === null || t < minC ? t : minC;
          maxC = maxC === null || t > maxC ? t : maxC;
          sumC += t;
          temperatures++;
        }
      }
      // Each reading holds until the next one, for at most staleAfterSeconds; the rest is unknown.
      const next = readings[i + 1];
      const heldUntil = Math.min(next === undefined ? Number.POSITIVE_INFINITY : next.at, r.at + staleMs, to);
      const held = heldUntil - Math.max(r.at, from);
      if (held <= 0) continue;
      if (!ok) outMs += held;
      else if (known) {
        inMs += held;
        stretchIn += held;
      }
      if (t !== null) heldTemperatures.push({ tempC: t, weight: held });
    }
    counted += stretchReadings;
    figures.push({ readings: stretchReadings, inMs: stretchIn, lengthMs: Math.max(0, to - from) });
  }

  const excursions = excursionsOf(stretches, profile, since, until);
  const windowMs = Math.max(0, until - since);
  const excursionMs = excursions.reduce((sum, e) => sum + e.minutes * MINUTE, 0);
  const budgetUsed = excursions.filter((e) => isTemperature(e.kind)).reduce((sum, e) => sum + e.minutes, 0);
  const mkt = mktOf(heldTemperatures, profile);
  return {
    compliance: {
      since,
      until,
      readings: counted,
      inRangePct: counted === 0 ? 100 : round2((countedInRange / counted) * 100),
      timeInRangePct: windowMs === 0 ? 0 : round2((inMs / windowMs) * 100),
      outOfRangeMinutes: round2(outMs / MINUTE),
      unknownMinutes: round2((windowMs - inMs - outMs) / MINUTE),
      excursionMinutes: round2(excursionMs / MINUTE),
      excursions,
      excursionCount: excursions.length,
      minC,
      maxC,
      meanC: temperatures === 0 ? null : round2(sumC / temperatures),
      budgetUsedMinutes: round2(budgetUsed),
      budgetRemainingMinutes: round2(Math.max(0, profile.excursionBudgetMinutes - budgetUsed)),
      mktC: mkt.value,
      mktUnavailableReason: mkt.reason,
    },
    stretches: figures,
  };
}

/** The same rules as the live engine (delay, hysteresis), so the list matches the alerts that were raised. */
function excursionsOf(
  stretches: readonly Stretch[],
  profile: StorageProfile,
  since: number,
  until: number,
): Excursion[] {
  const staleMs = profile.staleAfterSeconds * 1000;
  const events: AlertEvent[] = [];
  let state: Excursions = { runs: {}, closedBudgetMs: 0, raised: {} };
  let lastAt = Number.NEGATIVE_INFINITY;
  for (const stretch of stretches) {
    for (const r of stretch.ruled) {
      if (r.at > until) break;
      state = stepExcursions(state, r.at, r.temperatureC, r.humidityPct, profile, events);
      lastAt = r.at;
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
  for (const run of Object.values(state.runs)) {
    const excursion = found.find((x) => x.kind === run.kind && x.startedAt === run.startedAt && x.endedAt === null);
    if (excursion !== undefined) excursion.peakValue = run.peakValue;
  }
  // An excursion still open at the end of the data lasts as long as its last reading holds.
  const openUntil = Math.min(lastAt + staleMs, until);
  for (const excursion of found) {
    const end = excursion.endedAt ?? Math.max(openUntil, excursion.startedAt);
    excursion.minutes = round2(Math.max(0, Math.min(end, until) - Math.max(excursion.startedAt, since)) / MINUTE);
  }
  return found.filter((e) => (e.endedAt ?? Number.POSITIVE_INFINITY) > since && e.startedAt <= until);
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
