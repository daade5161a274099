import {
  type AlertEvent,
  applyReading,
  type Checkpoint,
  initialState,
  type MonitorState,
  type ReadingOutcome,
} from '@bst/coldchain';
import type { ArchiveRepository, History } from '../../archive/index.ts';
import {
  type AlertEventRecord,
  type EntityRef,
  type LiveState,
  type ReadingCommitOutcome,
  storedAlertId,
  type TwinReading,
  type TwinStore,
} from '../../store/index.ts';
import type { CatalogView } from '../catalog/followCatalog.ts';
import { nextCheckAt } from '../scheduler/nextCheckAt.ts';
import type { MonitorCache } from './monitorCache.ts';
import { replayVeryLate } from './replayVeryLate.ts';

export interface IngestContext {
  store: TwinStore;
  catalog: () => CatalogView;
  monitors: MonitorCache;
  /** Where a very late reading's replay finds the series and checkpoints the hot window no longer holds. */
  archive?: ArchiveRepository | null;
  /** Readings across the hot window and the archive (built from `store` and `archive` when omitted). */
  history?: History;
  /** A very late reading whose stored series did not fit the engine state: kept in history only. */
  onReplayError?: (entity: EntityRef, reading: TwinReading, error: Error) => void;
}

export function toAlertEventRecords(entity: EntityRef, events: AlertEvent[]): AlertEventRecord[] {
  return events.map((event) => ({ ...event, ...entity, alertId: storedAlertId(entity, event.alertId) }));
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
  return {
    ...entity,
    at: state.latestAt ?? reading.at,
    receivedAt: reading.receivedAt,
    ...state.live,
    registered: true,
  };
}

/**
 * One reading through the twin: dedup → history → engine (compare-and-set, retried on conflict) → live state →
 * alert records and events → publish; all stored by one atomic commit per attempt.
 */
export async function ingestReading(
  context: IngestContext,
  entity: EntityRef,
  reading: TwinReading,
): Promise<ReadingCommitOutcome> {
  const catalog = context.catalog();
  const profile = catalog.profileOf(entity);
  if (!profile) {
    const live = liveFromReading(entity, reading, catalog.isRegistered(entity));
    return context.store.commitReading({ entity, reading, live });
  }
  let record = context.monitors.get(entity) ?? (await context.store.monitor(entity));
  for (;;) {
    const state = record.state ?? initialState();
    let outcome: Pick<ReadingOutcome, 'state' | 'events'> & { checkpoints: Checkpoint[] } = {
      state,
      events: [],
      checkpoints: [],
    };
    const applied = applyReading(state, reading, profile);
    if (applied.accepted === 'needs-replay') {
      // Older than the reorder horizon: replayed against the stored series (hot window, else archive).
      const replay = await replayVeryLate(context, entity, state, reading, applied.replayBefore ?? reading.at, profile);
      if (replay === null || replay.accepted[0] === 'duplicate') {
        return context.store.commitReading({ entity, reading, live: liveFromState(entity, state, reading) });
      }
      outcome = { state: replay.state, events: replay.events, checkpoints: replay.checkpoints };
    } else if (applied.accepted === 'duplicate') {
      return context.store.commitReading({ entity, reading, live: liveFromState(entity, applied.state, reading) });
    } else {
      outcome = {
        state: applied.state,
        events: applied.events,
        checkpoints: applied.checkpoint ? [applied.checkpoint] : [],
      };
    }
    const result = await context.store.commitReading({
      entity,
      reading,
      live: liveFromState(entity, outcome.state, reading),
      monitor: {
        expectedVersion: record.version,
        state: outcome.state,
        events: toAlertEventRecords(entity, outcome.events),
        nextCheckAt: nextCheckAt(outcome.state, profile, reading.receivedAt),
        ...(outcome.checkpoints.length > 0 ? { checkpoints: outcome.checkpoints } : {}),
      },
    });
    if (result.status !== 'conflict') {
      if (result.status === 'stored')
        context.monitors.set(entity, { state: outcome.state, version: record.version + 1 });
      return result;
    }
    record = result.current;
    context.monitors.set(entity, record);
  }
}
