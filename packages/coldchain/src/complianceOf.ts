import type { ExcursionSpan } from './excursionSpans.ts';
import { meanKineticTemperatureOfSums } from './meanKineticTemperature.ts';
import { isTemperature, round2 } from './stepExcursions.ts';
import { type Interval, overlapMs, type TimeFigures, union } from './timeFigures.ts';
import type { Compliance, StorageProfile } from './types.ts';

const MINUTE = 60_000;

/**
 * The compliance figures of a window from what its readings say about its time and the excursions inside it; the
 * full recomputation (`compliance`) and the rollups (`complianceFromRollups`) both end here.
 */
export function complianceOf(
  time: TimeFigures,
  spans: readonly ExcursionSpan[],
  profile: StorageProfile,
  since: number,
  until: number,
): Compliance {
  const excursions = spans.map(({ excursion, span }) => {
    const observed = overlapMs(time.known, span);
    excursion.minutes = round2((span[1] - span[0]) / MINUTE);
    excursion.observedMinutes = round2(observed / MINUTE);
    excursion.unobservedMinutes = round2((span[1] - span[0] - observed) / MINUTE);
    return excursion;
  });
  const excursionTime = excursionTimeOf(spans);
  const spannedMs = excursionTime.reduce((sum, [a, b]) => sum + b - a, 0);
  const observedMs = excursionTime.reduce((sum, span) => sum + overlapMs(time.known, span), 0);
  // Conservative: nothing shows a gap inside a temperature excursion was back in range, so it spends budget too.
  const budgetUsed = round2(
    union(spans.filter((s) => isTemperature(s.excursion.kind)).map((s) => s.span)).reduce(
      (sum, [a, b]) => sum + b - a,
      0,
    ) / MINUTE,
  );
  const windowMs = Math.max(0, until - since);
  const mkt = mktOf(time, profile);
  const counted = time.readings;
  return {
    since,
    until,
    readings: counted,
    inRangePct: counted === 0 ? 100 : round2((time.readingsInRange / counted) * 100),
    timeInRangePct: windowMs === 0 ? 0 : round2((time.inMs / windowMs) * 100),
    inRangeMinutes: round2(time.inMs / MINUTE),
    outOfRangeMinutes: round2(time.outMs / MINUTE),
    unknownMinutes: round2((windowMs - time.inMs - time.outMs) / MINUTE),
    excursionMinutes: round2(observedMs / MINUTE),
    unobservedExcursionMinutes: round2((spannedMs - observedMs) / MINUTE),
    excursions,
    excursionCount: excursions.length,
    minC: time.minC,
    maxC: time.maxC,
    meanC: time.temperatures === 0 ? null : round2(time.temperatureSum / time.temperatures),
    budgetUsedMinutes: budgetUsed,
    budgetRemainingMinutes: round2(Math.max(0, profile.excursionBudgetMinutes - budgetUsed)),
    mktC: mkt.value,
    mktUnavailableReason: mkt.reason,
  };
}

/** The time inside any excursion, each moment once. */
export function excursionTimeOf(spans: readonly ExcursionSpan[]): Interval[] {
  return union(spans.map((s) => s.span));
}

function mktOf(time: TimeFigures, profile: StorageProfile): { value: number | null; reason: string | null } {
  if (profile.kind !== 'AMBIENT' && profile.kind !== 'REFRIGERATED') {
    return { value: null, reason: `MKT applies to AMBIENT and REFRIGERATED storage, not ${profile.kind}` };
  }
  if (time.kineticMs === 0) return { value: null, reason: 'no temperature readings hold inside the window' };
  return { value: round2(meanKineticTemperatureOfSums(time.kineticSum, time.kineticMs)), reason: null };
}
