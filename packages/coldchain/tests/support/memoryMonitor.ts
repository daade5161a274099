import {
  type Accepted,
  type AlertEvent,
  applyReading,
  applyTick,
  type Checkpoint,
  initialState,
  type MonitorState,
  type Reading,
  replayLateReadings,
  type StorageProfile,
} from '../../src/index.ts';

/**
 * What the bridge and the archive do around the engine, in memory: keep the state, the folded readings (the stored
 * series) and the checkpoints the engine emits, and replay a reading older than the horizon from them.
 */
export interface MemoryMonitor {
  readonly state: MonitorState;
  readonly events: AlertEvent[];
  /** Readings stepped through by replays of very late readings. */
  readonly replayed: number;
  reading(reading: Reading): Accepted;
  tick(now: number): void;
}

export function memoryMonitor(profile: StorageProfile): MemoryMonitor {
  let state = initialState();
  let replayed = 0;
  const stored: Reading[] = [];
  let checkpoints: Checkpoint[] = [];
  const events: AlertEvent[] = [];
  const store = (reading: Reading) => {
    const index = stored.findLastIndex((r) => r.at < reading.at) + 1;
    stored.splice(index, 0, reading);
  };
  return {
    get state() {
      return state;
    },
    events,
    get replayed() {
      return replayed;
    },
    reading(reading) {
      const outcome = applyReading(state, reading, profile);
      state = outcome.state;
      events.push(...outcome.events);
      if (outcome.checkpoint !== null) checkpoints.push(outcome.checkpoint);
      if (outcome.accepted === 'applied' || outcome.accepted === 'late') store(reading);
      if (outcome.accepted !== 'needs-replay') return outcome.accepted;
      const before = outcome.replayBefore!;
      const checkpoint = checkpoints.findLast((c) => c.at < before) ?? null;
      const series = stored.filter((r) => checkpoint === null || r.at > checkpoint.at);
      const replay = replayLateReadings(state, { checkpoint, series, late: [reading] }, profile);
      state = replay.state;
      events.push(...replay.events);
      replayed += replay.replayed;
      checkpoints = [...checkpoints.filter((c) => checkpoint !== null && c.at <= checkpoint.at), ...replay.checkpoints];
      if (replay.accepted[0] === 'late') store(reading);
      return outcome.accepted;
    },
    tick(now) {
      const outcome = applyTick(state, now, profile);
      state = outcome.state;
      events.push(...outcome.events);
    },
  };
}
