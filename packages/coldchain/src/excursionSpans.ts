import { excursionKinds, isTemperature } from './stepExcursions.ts';
import type { Interval } from './timeFigures.ts';
import type { Excursion, ExcursionKind, Excursions, StorageProfile } from './types.ts';

/** An excursion that has ended: what its alert record says (kind, start, end, peak). */
export interface EndedExcursion {
  kind: ExcursionKind;
  startedAt: number;
  endedAt: number;
  peakValue: number;
}

export interface ExcursionSpan {
  excursion: Excursion;
  /** The part of it inside the window. */
  span: Interval;
}

/**
 * The excursions a window lists: those that ended (as their records say) after `since`, and those still open in the
 * excursion state as of `until` (every reading up to `until` folded in, none after), which last as long as their last
 * reading holds. An ended one that is still a run in that state ended after `until` as far as the readings up to
 * `until` show (its ending reading came later), so it is listed as open, or not at all while still pending. Oldest
 * first (by start, then kind).
 */
export function excursionSpans(
  ended: readonly EndedExcursion[],
  atUntil: Excursions,
  profile: StorageProfile,
  since: number,
  until: number,
): ExcursionSpan[] {
  const staleMs = profile.staleAfterSeconds * 1000;
  const listed: { excursion: Excursion; end: number }[] = [];
  for (const e of ended) {
    if (e.endedAt > until || atUntil.runs[e.kind]?.startedAt === e.startedAt) continue;
    listed.push({ excursion: excursionOf(e.kind, e.startedAt, e.endedAt, e.peakValue), end: e.endedAt });
  }
  for (const kind of excursionKinds) {
    const run = atUntil.runs[kind];
    if (run === undefined || run.severity === null) continue;
    const end = Math.max(run.startedAt, Math.min(run.lastAt + staleMs, until));
    listed.push({ excursion: excursionOf(kind, run.startedAt, null, run.peakValue), end });
  }
  const spans: ExcursionSpan[] = [];
  for (const { excursion, end } of listed) {
    if ((excursion.endedAt ?? Number.POSITIVE_INFINITY) <= since || excursion.startedAt > until) continue;
    const from = Math.max(excursion.startedAt, since);
    spans.push({ excursion, span: [from, Math.max(from, Math.min(end, until))] });
  }
  return spans.sort(
    (a, b) =>
      a.excursion.startedAt - b.excursion.startedAt ||
      excursionKinds.indexOf(a.excursion.kind) - excursionKinds.indexOf(b.excursion.kind),
  );
}

function excursionOf(kind: ExcursionKind, startedAt: number, endedAt: number | null, peakValue: number): Excursion {
  return {
    metric: isTemperature(kind) ? 'temperature' : 'humidity',
    kind,
    startedAt,
    endedAt,
    peakValue,
    minutes: 0,
    observedMinutes: 0,
    unobservedMinutes: 0,
  };
}
