import { byEventTime, measure, type Stretch } from './measure.ts';
import type { CustodyInterval, Exposure, Hop, Reading, StorageProfile, Window } from './types.ts';

/**
 * A sample's thermal history across every container that held it: each custody hop sees its container's readings,
 * and the excursion rules run over the hops joined in order, so an excursion that continues across a hand-over is one.
 * Without a window it spans the first hop's start to the last hop's end (or the last reading while still held).
 */
export function exposure(
  custodyIntervals: readonly CustodyInterval[],
  readingsByContainer: Readonly<Record<string, readonly Reading[]>>,
  profile: StorageProfile,
  window?: Window,
): Exposure {
  const intervals = [...custodyIntervals].sort((a, b) => a.from - b.from);
  const sortedByContainer = new Map<string, Reading[]>();
  const readingsOf = (code: string): Reading[] => {
    let sorted = sortedByContainer.get(code);
    if (sorted === undefined) {
      sorted = byEventTime(readingsByContainer[code] ?? []);
      sortedByContainer.set(code, sorted);
    }
    return sorted;
  };
  const staleMs = profile.staleAfterSeconds * 1000;
  const since = window?.since ?? intervals[0]?.from ?? 0;
  const until = window?.until ?? defaultEnd(intervals, readingsOf, since);

  const stretches: Stretch[] = intervals.map((interval) => {
    const readings = readingsOf(interval.containerCode);
    const from = interval.from;
    const to = interval.to ?? until;
    const ruled = readings.filter((r) => r.at >= from && r.at <= to);
    const before = lastBefore(readings, from);
    // The container's condition when the sample arrived, if its last reading still holds.
    if (before !== undefined && from - before.at <= staleMs && ruled[0]?.at !== from) {
      ruled.unshift({ ...before, at: from });
    }
    return { readings, from, to, ruled };
  });
  const { compliance, stretches: figures } = measure(stretches, profile, since, until);

  const hops: Hop[] = intervals.map((interval, i) => {
    const figure = figures[i]!;
    return {
      containerCode: interval.containerCode,
      from: interval.from,
      to: interval.to ?? until,
      readings: figure.readings,
      excursionMinutes: Math.round(figure.excursionMs / 600) / 100,
      timeInRangePct: figure.lengthMs === 0 ? 0 : Math.round((figure.inMs / figure.lengthMs) * 10_000) / 100,
    };
  });
  const longest = compliance.excursions.reduce((m, e) => Math.max(m, e.minutes), 0);
  const atRisk =
    compliance.budgetUsedMinutes > profile.excursionBudgetMinutes ||
    longest > profile.maxExcursionMinutes ||
    (compliance.mktC !== null && profile.maxTempC !== null && compliance.mktC > profile.maxTempC);
  return { ...compliance, atRisk, hops };
}

function defaultEnd(
  intervals: readonly CustodyInterval[],
  readingsOf: (code: string) => Reading[],
  since: number,
): number {
  let end = since;
  for (const interval of intervals) {
    if (interval.to !== null) end = Math.max(end, interval.to);
    else end = Math.max(end, readingsOf(interval.containerCode).at(-1)?.at ?? interval.from);
  }
  return end;
}

function lastBefore(readings: readonly Reading[], at: number): Reading | undefined {
  let found: Reading | undefined;
  for (const r of readings) {
    if (r.at >= at) break;
    found = r;
  }
  return found;
}
