import { REORDER_HORIZON } from './applyReading.ts';
import { correctAnnouncedAlerts } from './correctAnnouncedAlerts.ts';
import { entersNewInterval } from './entersNewInterval.ts';
import { escalateAtClock } from './escalateAtClock.ts';
import { ReplayInputError } from './ReplayInputError.ts';
import { replaySeries } from './replaySeries.ts';
import { stepExcursions } from './stepExcursions.ts';
import type {
  AlertEvent,
  Checkpoint,
  Excursions,
  HorizonReading,
  LateReplay,
  MonitorState,
  Reading,
  ReplayOutcome,
  StorageProfile,
} from './types.ts';

const empty: Excursions = { runs: {}, closedBudgetMs: 0, raised: {} };

/**
 * Folds readings older than the reorder horizon (applyReading said 'needs-replay') into the state, from a checkpoint
 * and the stored series after it: the alerts are re-derived as if every reading had come sorted, and the difference
 * from what the series alone announced goes out as corrections marked `late`. Returns the rebuilt state (base,
 * horizon and current as the sorted series gives them; live state, the open SENSOR_OFFLINE and the clock unchanged)
 * and the series' checkpoints after the one given. Throws ReplayInputError when the inputs do not fit the state.
 */
export function replayLateReadings(state: MonitorState, replay: LateReplay, profile: StorageProfile): ReplayOutcome {
  const { checkpoint, series } = replay;
  const from = checkpoint?.at ?? null;
  checkSeries(state, from, series);
  const known = new Set<number>();
  for (const r of series) known.add(r.at);
  const accepted: ReplayOutcome['accepted'] = [];
  const added: Reading[] = [];
  for (const r of replay.late) {
    if (state.latestAt === null || r.at >= state.latestAt) {
      if (r.at === state.latestAt) {
        accepted.push('duplicate');
        continue;
      }
      throw new ReplayInputError(`reading at ${r.at} is not older than the latest reading: apply it with applyReading`);
    }
    if (from !== null && r.at <= from) {
      throw new ReplayInputError(`reading at ${r.at} is not after the checkpoint at ${from}: pass an older checkpoint`);
    }
    if (known.has(r.at)) {
      accepted.push('duplicate');
      continue;
    }
    known.add(r.at);
    added.push(r);
    accepted.push('late');
  }
  if (added.length === 0) return { state, events: [], accepted, checkpoints: [], replayed: 0 };

  const merged = [...series, ...added].sort((a, b) => a.at - b.at).map(toHorizonReading);
  const start = checkpoint?.excursions ?? empty;
  const clockAt = state.clockAt ?? null;
  const before: AlertEvent[] = [];
  escalateAtClock(replaySeries(start, from, series.map(toHorizonReading), profile, before), clockAt, profile, before);

  const kept = Math.max(0, merged.length - REORDER_HORIZON);
  const checkpoints: Checkpoint[] = [];
  let base = start;
  let horizonAt = from;
  for (let i = 0; i < kept; i++) {
    const [at, temperatureC, humidityPct] = merged[i]!;
    base = stepExcursions(base, at, temperatureC, humidityPct, profile, null);
    if (horizonAt === null || entersNewInterval(horizonAt, at)) checkpoints.push({ at, excursions: base });
    horizonAt = at;
  }
  const horizon = merged.slice(kept);
  const after: AlertEvent[] = [];
  // From the checkpoint, not from the new base, so the events cover what the late readings changed before the base.
  const current = escalateAtClock(replaySeries(start, from, merged, profile, after), clockAt, profile, after);
  const earliest = Math.min(...added.map((r) => r.at));
  const events = correctAnnouncedAlerts(start, before, after, earliest);
  return {
    state: { ...state, current, base, horizon, horizonAt },
    events,
    accepted,
    checkpoints,
    replayed: series.length + merged.length,
  };
}

function toHorizonReading(r: Reading): HorizonReading {
  return [r.at, r.temperatureC, r.humidityPct];
}

/** The series must be what the engine folded after the checkpoint: sorted, ending in exactly the state's horizon. */
function checkSeries(state: MonitorState, from: number | null, series: readonly Reading[]): void {
  if (from !== null && state.horizonAt !== null && from > state.horizonAt) {
    throw new ReplayInputError(`checkpoint at ${from} is newer than the state's base (${state.horizonAt})`);
  }
  if (from !== null && state.horizonAt === null) {
    throw new ReplayInputError(`checkpoint at ${from} but the state has no base yet: pass none`);
  }
  let previous = from ?? Number.NEGATIVE_INFINITY;
  for (const r of series) {
    if (!(r.at > previous)) throw new ReplayInputError(`series not sorted after ${previous} (at ${r.at})`);
    previous = r.at;
  }
  const horizon = state.horizon;
  const tail = series.slice(series.length - horizon.length);
  if (tail.length !== horizon.length || tail.some((r, i) => r.at !== horizon[i]![0])) {
    throw new ReplayInputError('the series does not end with the readings of the reorder horizon');
  }
  const beforeTail = series[series.length - horizon.length - 1];
  if (state.horizonAt !== null && beforeTail !== undefined && beforeTail.at !== state.horizonAt) {
    throw new ReplayInputError(`the series lacks the base's last reading at ${state.horizonAt}`);
  }
}
