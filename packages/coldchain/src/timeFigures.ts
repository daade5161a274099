import { kineticTerm } from './meanKineticTemperature.ts';
import { inside } from './stepExcursions.ts';
import type { Reading, StorageProfile } from './types.ts';

/** A half-open stretch of time [from, to), epoch ms. */
export type Interval = [number, number];

/**
 * What readings say about a stretch of time, in sums that add up: an hour's rollup, a window's edges, a custody hop.
 * Each reading holds until the next one, for at most staleAfterSeconds.
 */
export interface TimeFigures {
  /** Readings whose event time falls in the stretch. */
  readings: number;
  /** Of those, readings with every metric the profile needs known and in range. */
  readingsInRange: number;
  /** Of those, readings with a temperature, their sum, minimum and maximum. */
  temperatures: number;
  temperatureSum: number;
  minC: number | null;
  maxC: number | null;
  /** Time a held reading was in range (every needed metric known and inside) / out of range (a metric outside). */
  inMs: number;
  outMs: number;
  /** MKT sums over held temperatures: Σ held ms · e^(−ΔH/(R·T)) and Σ held ms. */
  kineticSum: number;
  kineticMs: number;
  /** Time known to be in or out of range, as sorted, disjoint intervals. */
  known: Interval[];
}

export function emptyTimeFigures(): TimeFigures {
  return {
    readings: 0,
    readingsInRange: 0,
    temperatures: 0,
    temperatureSum: 0,
    minC: null,
    maxC: null,
    inMs: 0,
    outMs: 0,
    kineticSum: 0,
    kineticMs: 0,
    known: [],
  };
}

/**
 * Adds what `readings` (sorted, one per event time) say about [from, to] to `into`: held time is clipped to
 * [from, to); readings are counted from `from` up to `to`, including one at `to` only when `countEnd` (a window's
 * last moment; hourly rollups are half-open so that adjacent hours never count a reading twice). Readings from up to
 * staleAfterSeconds before `from` must be included: they may still hold at `from`. Readings at or after `stopAt`
 * add nothing themselves; the first of them still ends the time the one before held (a rollup's resumable prefix).
 */
export function accumulateTime(
  into: TimeFigures,
  readings: readonly Reading[],
  profile: StorageProfile,
  from: number,
  to: number,
  countEnd: boolean,
  stopAt = Number.POSITIVE_INFINITY,
): TimeFigures {
  const staleMs = profile.staleAfterSeconds * 1000;
  const needsHumidity = profile.minHumidityPct !== null || profile.maxHumidityPct !== null;
  let low = 0;
  let high = readings.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (readings[mid]!.at + staleMs <= from) low = mid + 1;
    else high = mid;
  }
  for (let i = low; i < readings.length; i++) {
    const r = readings[i]!;
    if (r.at > to || (r.at === to && !countEnd) || r.at >= stopAt) break;
    const t = r.temperatureC;
    const h = r.humidityPct;
    const complete = t !== null && (!needsHumidity || h !== null);
    const ok =
      inside(t, profile.minTempC, profile.maxTempC) && inside(h, profile.minHumidityPct, profile.maxHumidityPct);
    if (r.at >= from) {
      into.readings++;
      if (complete && ok) into.readingsInRange++;
      if (t !== null) {
        into.minC = into.minC === null || t < into.minC ? t : into.minC;
        into.maxC = into.maxC === null || t > into.maxC ? t : into.maxC;
        into.temperatureSum += t;
        into.temperatures++;
      }
    }
    const next = readings[i + 1];
    const heldFrom = Math.max(r.at, from);
    const heldUntil = Math.min(next === undefined ? Number.POSITIVE_INFINITY : next.at, r.at + staleMs, to);
    const held = heldUntil - heldFrom;
    if (held <= 0) continue;
    if (!ok) into.outMs += held;
    else if (complete) into.inMs += held;
    if (!ok || complete) addInterval(into.known, heldFrom, heldUntil);
    if (t !== null) {
      into.kineticSum += held * kineticTerm(t);
      into.kineticMs += held;
    }
  }
  return into;
}

/** Adds `other` (figures of a later stretch, e.g. the next hour) to `into`. */
export function addTimeFigures(into: TimeFigures, other: TimeFigures): TimeFigures {
  into.readings += other.readings;
  into.readingsInRange += other.readingsInRange;
  into.temperatures += other.temperatures;
  into.temperatureSum += other.temperatureSum;
  if (other.minC !== null) into.minC = into.minC === null || other.minC < into.minC ? other.minC : into.minC;
  if (other.maxC !== null) into.maxC = into.maxC === null || other.maxC > into.maxC ? other.maxC : into.maxC;
  into.inMs += other.inMs;
  into.outMs += other.outMs;
  into.kineticSum += other.kineticSum;
  into.kineticMs += other.kineticMs;
  for (const [a, b] of other.known) addInterval(into.known, a, b);
  return into;
}

/** Keeps `known` sorted and disjoint; intervals mostly arrive in time order, so this is usually an append or a merge. */
function addInterval(known: Interval[], from: number, to: number): void {
  const last = known.at(-1);
  if (last === undefined || from > last[1]) {
    known.push([from, to]);
    return;
  }
  if (from >= last[0]) {
    last[1] = Math.max(last[1], to);
    return;
  }
  known.push([from, to]);
  const merged = union(known);
  known.length = 0;
  known.push(...merged);
}

/** Sorted, disjoint intervals covering the same time, so no moment is counted twice. */
export function union(intervals: readonly Interval[]): Interval[] {
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
export function overlapMs(disjoint: readonly Interval[], [from, to]: Interval): number {
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
