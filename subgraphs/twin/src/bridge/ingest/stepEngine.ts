import {
  type AlertEvent,
  applyReading,
  type Checkpoint,
  initialState,
  type MonitorState,
  type ReplayOutcome,
  type StorageProfile,
} from '@bst/coldchain';
import {
  type EntityRef,
  type LiveState,
  type MonitorRecord,
  type MonitorUpdate,
  type ReadingCommit,
  readingEventId,
  type TwinReading,
} from '../../store/index.ts';
import type { CatalogView } from '../catalog/followCatalog.ts';
import { nextCheckAt } from '../scheduler/nextCheckAt.ts';
import { toAlertEventRecords } from './toAlertEventRecords.ts';

export interface EngineStep {
  /** What to store for this reading; `monitor` (the compare-and-set of the engine state) only when the engine moved. */
  commit: ReadingCommit;
  /** The entity's engine record once `commit` is stored: the next reading of the entity starts from it. */
  next: MonitorRecord;
  /**
   * Set when the reading is older than the engine's reorder horizon: it needs a replay of the stored series
   * (`stepFromReplay`) before the entity's next reading; `commit` is then its history-only fallback.
   */
  replay?: { before: number; profile: StorageProfile };
}

/** Shared by the steps that bring no checkpoint: `moved` only reads its length. */
const noCheckpoints: Checkpoint[] = [];

function liveFromReading(entity: EntityRef, reading: TwinReading, registered: boolean): LiveState {
  return {
    ...entity,
    at: reading.at,
    receivedAt: reading.receivedAt,
    temperatureC: reading.temperatureC,
    humidityPct: reading.humidityPct,
    lat: reading.lat ?? null,
    lng: reading.lng ?? null,
    status: reading.status ?? null,
    registered,
    eventId: readingEventId(entity, reading.at),
  };
}

function liveFromState(
  entity: EntityRef,
  state: MonitorState,
  reading: TwinReading,
  eventId = readingEventId(entity, reading.at),
): LiveState {
  // Spelled out rather than spread: one object shape on the hot path.
  const { live } = state;
  return {
    entityType: entity.entityType,
    code: entity.code,
    at: state.latestAt ?? reading.at,
    receivedAt: reading.receivedAt,
    temperatureC: live.temperatureC,
    humidityPct: live.humidityPct,
    lat: live.lat,
    lng: live.lng,
    status: live.status,
    registered: true,
    eventId,
  };
}

/**
 * The engine step of ingest, pure: one reading on the entity's engine record (as this bridge last knew it) gives the
 * commit to store and the record after it. Entities without a storage profile carry no engine state.
 */
export function stepEngine(
  catalog: CatalogView,
  entity: EntityRef,
  record: MonitorRecord,
  reading: TwinReading,
): EngineStep {
  const profile = catalog.profileOf(entity);
  if (!profile) {
    return {
      commit: { entity, reading, live: liveFromReading(entity, reading, catalog.isRegistered(entity)) },
      next: record,
    };
  }
  const outcome = applyReading(record.state ?? initialState(), reading, profile);
  const live = liveFromState(entity, outcome.state, reading);
  if (outcome.accepted === 'duplicate') return { commit: { entity, reading, live }, next: record };
  if (outcome.accepted === 'needs-replay') {
    return {
      commit: { entity, reading, live },
      next: record,
      replay: { before: outcome.replayBefore ?? reading.at, profile },
    };
  }
  return moved(
    entity,
    record,
    reading,
    profile,
    outcome.state,
    outcome.events,
    outcome.checkpoint ? [outcome.checkpoint] : noCheckpoints,
  );
}

/**
 * The step for a very late reading once its replay is known: the corrections (marked late), the rebuilt state and the
 * checkpoints that replace those after the one replayed from, under the same compare-and-set as any other commit.
 * Without a replay (the stored series did not fit) or for a known event time, the reading goes to history only.
 */
export function stepFromReplay(
  entity: EntityRef,
  record: MonitorRecord,
  reading: TwinReading,
  profile: StorageProfile,
  replay: ReplayOutcome | null,
): EngineStep {
  const state = record.state ?? initialState();
  if (replay === null || replay.accepted[0] !== 'late') {
    return { commit: { entity, reading, live: liveFromState(entity, state, reading) }, next: record };
  }
  return moved(entity, record, reading, profile, replay.state, replay.events, replay.checkpoints);
}

function moved(
  entity: EntityRef,
  record: MonitorRecord,
  reading: TwinReading,
  profile: StorageProfile,
  state: MonitorState,
  events: AlertEvent[],
  checkpoints: Checkpoint[],
): EngineStep {
  const eventId = readingEventId(entity, reading.at);
  // Built in one shape and the checkpoints set after (a spread in the literal cost ~1 KB of allocation per reading).
  const monitor: MonitorUpdate = {
    expectedVersion: record.version,
    state,
    from: record.state,
    events: toAlertEventRecords(entity, events, eventId),
    nextCheckAt: nextCheckAt(state, profile, reading.receivedAt),
  };
  if (checkpoints.length > 0) monitor.checkpoints = checkpoints;
  return {
    commit: { entity, reading, live: liveFromState(entity, state, reading, eventId), monitor },
    next: { state, version: record.version + 1 },
  };
}
