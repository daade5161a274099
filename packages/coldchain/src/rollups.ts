import { complianceOf } from './complianceOf.ts';
import { type EndedExcursion, excursionSpans } from './excursionSpans.ts';
import { stepExcursions } from './stepExcursions.ts';
import { accumulateTime, addTimeFigures, emptyTimeFigures, type TimeFigures } from './timeFigures.ts';
import type { Compliance, Excursions, Reading, StorageProfile, Window } from './types.ts';

/** Rollups are kept per hour of event time. */
export const ROLLUP_INTERVAL_MS = 3_600_000;

export function hourOf(at: number): number {
  return Math.floor(at / ROLLUP_INTERVAL_MS) * ROLLUP_INTERVAL_MS;
}

/**
 * The hours whose rollup a new reading at `at` changes: its own, and every hour it or the reading before it may hold
 * into (the earlier reading now stops at `at`), which ends staleAfterSeconds after it. First and last hour start.
 */
export function hoursTouchedBy(at: number, profile: StorageProfile): [number, number] {
  return [hourOf(at), hourOf(at + profile.staleAfterSeconds * 1000)];
}

/**
 * The rollup of the hour starting at `hour`: what `readings` (sorted, one per event time, including those from
 * staleAfterSeconds before the hour) say about [hour, hour + 1 h). Readings at the next hour's start count there.
 */
export function hourlyRollup(readings: readonly Reading[], profile: StorageProfile, hour: number): HourRollup {
  return { hour, ...accumulateTime(emptyTimeFigures(), readings, profile, hour, hour + ROLLUP_INTERVAL_MS, false) };
}

/**
 * What it takes to extend an hour's rollup by readings after `last` without reading the hour again: the figures of
 * every reading of the hour before `last` (each held until the next), and `last` itself, whose held time the next
 * reading ends. Extending it gives exactly (to the bit) what `hourlyRollup` over all the readings gives.
 */
export interface RollupResume {
  before: TimeFigures;
  last: Reading;
}

/** `hourlyRollup`, with where to resume it (null: no reading of the hour holds in it). */
export function resumableHourlyRollup(
  readings: readonly Reading[],
  profile: StorageProfile,
  hour: number,
): { rollup: HourRollup; resume: RollupResume | null } {
  return {
    rollup: hourlyRollup(readings, profile, hour),
    resume: resumeOf(emptyTimeFigures(), readings, profile, hour),
  };
}

/**
 * The hour's rollup after `later` (sorted, one per event time, every one after `resume.last`) joined the readings it
 * was computed from: the same figures as `hourlyRollup` over all of them, in time that does not grow with the hour.
 */
export function extendHourlyRollup(
  resume: RollupResume,
  later: readonly Reading[],
  profile: StorageProfile,
  hour: number,
): { rollup: HourRollup; resume: RollupResume | null } {
  const readings = [resume.last, ...later];
  const end = hour + ROLLUP_INTERVAL_MS;
  return {
    rollup: { hour, ...accumulateTime(copyFigures(resume.before), readings, profile, hour, end, false) },
    resume: resumeOf(resume.before, readings, profile, hour),
  };
}

/** The last reading the hour's fold takes, and the figures of those before it (folded onto a copy of `before`). */
function resumeOf(
  before: TimeFigures,
  readings: readonly Reading[],
  profile: StorageProfile,
  hour: number,
): RollupResume | null {
  const end = hour + ROLLUP_INTERVAL_MS;
  let k = readings.length - 1;
  while (k >= 0 && readings[k]!.at >= end) k--;
  const last = readings[k];
  if (last === undefined || last.at + profile.staleAfterSeconds * 1000 <= hour) return null;
  return { before: accumulateTime(copyFigures(before), readings, profile, hour, end, false, last.at), last };
}

function copyFigures(figures: TimeFigures): TimeFigures {
  return { ...figures, known: figures.known.map(([a, b]): [number, number] => [a, b]) };
}

/** One hour's figures, by the hour's start. */
export interface HourRollup extends TimeFigures {
  hour: number;
}

/** A stretch of a window answered from raw readings; `countEnd`: a reading at `to` itself counts. */
export interface RawEdge {
  from: number;
  to: number;
  countEnd: boolean;
}

/** How a window splits: whole hours from rollups, the parts before the first and after the last from raw readings. */
export interface WindowPlan {
  /** The whole hours [from, to) inside the window, by their start; null when the window holds none. */
  hours: { from: number; to: number } | null;
  /** Before the first whole hour and from the last one to `until` (a reading at `until` counts), or the whole window. */
  edges: RawEdge[];
}

export function planWindow({ since, until }: Window): WindowPlan {
  const first = Math.ceil(since / ROLLUP_INTERVAL_MS) * ROLLUP_INTERVAL_MS;
  const last = hourOf(until);
  if (first >= last) return { hours: null, edges: [{ from: since, to: until, countEnd: true }] };
  const edges: RawEdge[] = [];
  if (since < first) edges.push({ from: since, to: first, countEnd: false });
  edges.push({ from: last, to: until, countEnd: true });
  return { hours: { from: first, to: last }, edges };
}

/** The excursion state as of `until`: `start` (a checkpoint's, or none before the first reading) with the sorted readings after it folded in, up to `until`. */
export function excursionsAt(
  start: Excursions | null,
  readings: readonly Reading[],
  profile: StorageProfile,
  until: number,
): Excursions {
  let state: Excursions = start ?? { runs: {}, closedBudgetMs: 0, raised: {} };
  for (const r of readings) {
    if (r.at > until) break;
    state = stepExcursions(state, r.at, r.temperatureC, r.humidityPct, profile, null);
  }
  return state;
}

export interface RollupWindow {
  window: Window;
  /** Rollups of the plan's whole hours (`planWindow`), any order; an hour without one had nothing to say. */
  hours: readonly HourRollup[];
  /** Raw readings, sorted and one per event time, covering each of the plan's edges and staleAfterSeconds before it. */
  edgeReadings: readonly Reading[];
  /** The excursions that ended, as the alert records say, that may touch the window. */
  ended: readonly EndedExcursion[];
  /** The excursion state as of `until` (`excursionsAt`). */
  atUntil: Excursions;
}

/**
 * Compliance of a window from hourly rollups, raw readings at its edges and the alert records: the same figures as
 * `compliance` over the whole series (MKT and mean up to float rounding), in time that does not grow with the window.
 */
export function complianceFromRollups(input: RollupWindow, profile: StorageProfile): Compliance {
  const { since, until } = input.window;
  return complianceOf(windowTime(input, profile), spansOf(input, profile), profile, since, until);
}

/** What the readings say about the window's time: the rollups of its whole hours plus its raw edges. */
export function windowTime(
  input: Pick<RollupWindow, 'window' | 'hours' | 'edgeReadings'>,
  profile: StorageProfile,
): TimeFigures {
  const plan = planWindow(input.window);
  const time = emptyTimeFigures();
  const head = plan.hours === null ? [] : plan.edges.slice(0, -1);
  const tail = plan.edges.slice(head.length);
  // In time order, so the known intervals are appended, never re-sorted.
  for (const edge of head) accumulateTime(time, input.edgeReadings, profile, edge.from, edge.to, edge.countEnd);
  for (const hour of [...input.hours].sort((a, b) => a.hour - b.hour)) addTimeFigures(time, hour);
  for (const edge of tail) accumulateTime(time, input.edgeReadings, profile, edge.from, edge.to, edge.countEnd);
  return time;
}

function spansOf(input: RollupWindow, profile: StorageProfile) {
  return excursionSpans(input.ended, input.atUntil, profile, input.window.since, input.window.until);
}
