import { describe, expect, it } from 'vitest';
import { refrigeratedProfile } from '../src/fixtures/index.ts';
import {
  type AlertEvent,
  applyReading,
  CHECKPOINT_INTERVAL_MS,
  type Checkpoint,
  foldAlertEvents,
  initialState,
  type MonitorState,
  REORDER_HORIZON,
  type Reading,
  ReplayInputError,
  replayLateReadings,
} from '../src/index.ts';

const MINUTE = 60_000;
const profile = refrigeratedProfile({ excursionDelaySeconds: 600 });
const reading = (m: number, temperatureC: number): Reading => ({ at: m * MINUTE, temperatureC, humidityPct: null });

function inOrder(readings: readonly Reading[]) {
  let state: MonitorState = initialState();
  const events: AlertEvent[] = [];
  const checkpoints: Checkpoint[] = [];
  for (const r of readings) {
    const outcome = applyReading(state, r, profile);
    state = outcome.state;
    events.push(...outcome.events);
    if (outcome.checkpoint) checkpoints.push(outcome.checkpoint);
  }
  return { state, events, checkpoints };
}

const minutes = (from: number, to: number, temperatureC: number) =>
  Array.from({ length: to - from }, (_, i) => reading(from + i, temperatureC));

describe('a reading older than the reorder horizon', () => {
  // The case: 150 in-range readings, the 20-minute hot stretch 110 readings back arrives afterwards.
  const known = [...minutes(0, 40, 5), ...minutes(60, 170, 5)];
  const stretch = minutes(40, 60, 9);
  const live = inOrder(known);
  const sorted = inOrder([...known, ...stretch].sort((a, b) => a.at - b.at));

  it('asks for a replay from a checkpoint before it and changes nothing', () => {
    const outcome = applyReading(live.state, stretch[0]!, profile);
    expect(outcome).toMatchObject({ accepted: 'needs-replay', replayBefore: 40 * MINUTE, events: [] });
    expect(outcome.state).toBe(live.state);
  });

  it('uploaded as one batch, is one alert from its first hot reading, raised and cleared once and marked late', () => {
    const checkpoint = live.checkpoints.findLast((c) => c.at < 40 * MINUTE) ?? null;
    const series = known.filter((r) => checkpoint === null || r.at > checkpoint.at);
    const replay = replayLateReadings(live.state, { checkpoint, series, late: stretch }, profile);
    const temperature = replay.events.filter((e) => e.kind === 'TEMPERATURE_HIGH');
    expect(temperature.map((e) => [e.transition, e.startedAt / MINUTE, e.at / MINUTE, e.late])).toEqual([
      ['RAISED', 40, 50, true],
      ['CLEARED', 40, 60, true],
    ]);
    // The silence the stretch fills (39 → 60) was announced as SENSOR_OFFLINE; it never was one.
    expect(replay.events.filter((e) => e.kind === 'SENSOR_OFFLINE').map((e) => e.transition)).toEqual(['WITHDRAWN']);
    expect(foldAlertEvents([...live.events, ...replay.events])).toEqual(foldAlertEvents(sorted.events));
    expect(replay.accepted).toEqual(stretch.map(() => 'late'));
    expect(replay.replayed).toBe(series.length * 2 + stretch.length);
  });

  it('leaves the state of the sorted series (base, horizon, current), with live state untouched', () => {
    const replay = replayLateReadings(live.state, { checkpoint: null, series: known, late: stretch }, profile);
    expect(replay.state).toEqual(sorted.state);
    expect(replay.state.live).toBe(live.state.live);
  });

  it('gives the same from any checkpoint before it as from the first reading', () => {
    const fromStart = replayLateReadings(live.state, { checkpoint: null, series: known, late: stretch }, profile);
    for (const checkpoint of live.checkpoints.filter((c) => c.at < 40 * MINUTE)) {
      const series = known.filter((r) => r.at > checkpoint.at);
      const replay = replayLateReadings(live.state, { checkpoint, series, late: stretch }, profile);
      expect(replay.state).toEqual(fromStart.state);
      expect(foldAlertEvents(replay.events)).toEqual(foldAlertEvents(fromStart.events));
    }
  });

  it('is a duplicate when the series already has its event time', () => {
    const replay = replayLateReadings(
      live.state,
      { checkpoint: null, series: known, late: [reading(10, 30)] },
      profile,
    );
    expect(replay).toMatchObject({ accepted: ['duplicate'], events: [], replayed: 0 });
    expect(replay.state).toBe(live.state);
  });

  it('refuses inputs that do not fit the state, with a typed error, changing nothing', () => {
    const late = [stretch[0]!];
    const refuse = (replay: Parameters<typeof replayLateReadings>[1]) =>
      expect(() => replayLateReadings(live.state, replay, profile)).toThrow(ReplayInputError);
    refuse({ checkpoint: null, series: known.slice(0, -1), late });
    refuse({ checkpoint: null, series: known.slice(1).concat(known[0]!), late });
    refuse({ checkpoint: null, series: known.filter((r) => r.at !== live.state.horizonAt), late });
    refuse({ checkpoint: null, series: known, late: [reading(200, 5)] });
    const newest = live.checkpoints.at(-1)!;
    refuse({
      checkpoint: newest,
      series: known.filter((r) => r.at > newest.at),
      late: [reading(newest.at / MINUTE - 1, 9)],
    });
    refuse({
      checkpoint: { at: live.state.horizonAt! + MINUTE, excursions: live.state.base },
      series: known.filter((r) => r.at > live.state.horizonAt! + MINUTE),
      late,
    });
  });
});

describe('checkpoints', () => {
  // A day at one reading every 30 s, a 20-minute excursion every 3 hours.
  const day = Array.from({ length: 2880 }, (_, i) => reading(i / 2, Math.floor(i / 2) % 180 < 20 && i > 240 ? 9 : 5));
  const { state, checkpoints } = inOrder(day);

  it('are emitted once per hour of event time as the base moves, each the state as of its reading', () => {
    const hours = checkpoints.map((c) => Math.floor(c.at / CHECKPOINT_INTERVAL_MS));
    expect(hours).toEqual([...new Set(hours)]);
    expect(hours.length).toBe(Math.floor((state.horizonAt ?? 0) / CHECKPOINT_INTERVAL_MS) + 1);
    for (const checkpoint of checkpoints) {
      const prefix = inOrder(day.filter((r) => r.at <= checkpoint.at + REORDER_HORIZON * 30_000));
      expect(prefix.state.horizonAt).toBe(checkpoint.at);
      expect(prefix.state.base).toEqual(checkpoint.excursions);
    }
  });

  it('keep the state small: it holds none of them', () => {
    expect(JSON.stringify(state).length).toBeLessThan(4096);
    expect(JSON.stringify(checkpoints.at(-1)).length).toBeLessThan(1024);
  });
});
