import { applyReading, initialState, type MonitorState } from '@bst/coldchain';
import type { EntityRef, LiveState, MonitorRecord, ReadingCommit, TwinReading } from '../../store/index.ts';
import type { CatalogView } from '../catalog/followCatalog.ts';
import { nextCheckAt } from '../scheduler/nextCheckAt.ts';
import { toAlertEventRecords } from './toAlertEventRecords.ts';

export interface EngineStep {
  /** What to store for this reading; `monitor` (the compare-and-set of the engine state) only when the engine moved. */
  commit: ReadingCommit;
  /** The entity's engine record once `commit` is stored: the next reading of the entity starts from it. */
  next: MonitorRecord;
}

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
  };
}

function liveFromState(entity: EntityRef, state: MonitorState, reading: TwinReading): LiveState {
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
  return {
    commit: {
      entity,
      reading,
      live,
      monitor: {
        expectedVersion: record.version,
        state: outcome.state,
        events: toAlertEventRecords(entity, outcome.events),
        nextCheckAt: nextCheckAt(outcome.state, profile, reading.receivedAt),
      },
    },
    next: { state: outcome.state, version: record.version + 1 },
  };
}
