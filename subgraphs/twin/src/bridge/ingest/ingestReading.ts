import { type AlertEvent, applyReading, initialState, type MonitorState } from '@bst/coldchain';
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

export interface IngestContext {
  store: TwinStore;
  catalog: () => CatalogView;
  monitors: MonitorCache;
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
    const outcome = applyReading(record.state ?? initialState(), reading, profile);
    if (outcome.accepted === 'duplicate') {
      return context.store.commitReading({ entity, reading, live: liveFromState(entity, outcome.state, reading) });
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
        ...(outcome.checkpoint ? { checkpoints: [outcome.checkpoint] } : {}),
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
