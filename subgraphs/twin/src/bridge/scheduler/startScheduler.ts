import { applyTick, type StorageProfile } from '@bst/coldchain';
import type { EntityRef, TwinStore } from '../../store/index.ts';
import type { CatalogView } from '../catalog/followCatalog.ts';
import type { MonitorCache } from '../ingest/monitorCache.ts';
import { toAlertEventRecords } from '../ingest/toAlertEventRecords.ts';
import { nextCheckAt } from './nextCheckAt.ts';

export interface SchedulerOptions {
  store: TwinStore;
  catalog: () => CatalogView;
  monitors: MonitorCache;
  intervalMs?: number;
  /** A claimed check not finished within this time is handed out again (its claimer crashed). */
  leaseMs?: number;
  batch?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/** Ticks one entity's engine: time passing (silence, long excursions) changes state without any reading. */
async function tick(options: Required<SchedulerOptions>, entity: EntityRef, now: number): Promise<void> {
  const { store } = options;
  const profile = options.catalog().profileOf(entity);
  let record = await store.monitor(entity);
  const uploadingUntil = profile ? await receivingUntil(store, entity, profile) : null;
  for (;;) {
    if (!record.state) return;
    if (uploadingUntil !== null && uploadingUntil >= now && record.state.offline === null) {
      // Still receiving (a logger uploading old readings): not silent, whatever the event times say. Look again once
      // it falls quiet; the record, if any, is the same (it starts at latestAt + stale), without raise-and-withdraw churn.
      const result = await store.commitTick({
        entity,
        expectedVersion: record.version,
        state: record.state,
        from: record.state,
        events: [],
        nextCheckAt: Math.max(uploadingUntil + 1, now + options.intervalMs),
      });
      if (result.status === 'stored') {
        options.monitors.set(entity, { state: record.state, version: record.version + 1 });
        return;
      }
      record = result.current;
      continue;
    }
    const outcome = profile ? applyTick(record.state, now, profile) : { state: record.state, events: [] };
    const later = profile ? nextCheckAt(outcome.state, profile, now) : null;
    const result = await store.commitTick({
      entity,
      expectedVersion: record.version,
      state: outcome.state,
      from: record.state,
      events: toAlertEventRecords(entity, outcome.events),
      nextCheckAt: later === null ? null : Math.max(later, now + options.intervalMs),
    });
    if (result.status === 'stored') {
      options.monitors.set(entity, { state: outcome.state, version: record.version + 1 });
      return;
    }
    record = result.current;
  }
}

/** Until when the entity counts as reporting: its newest reading's receive time plus staleAfterSeconds. */
async function receivingUntil(store: TwinStore, entity: EntityRef, profile: StorageProfile): Promise<number | null> {
  const live = await store.live(entity);
  return live === null ? null : live.receivedAt + profile.staleAfterSeconds * 1000;
}

/**
 * Every instance runs one; due checks live in the store's due set and are claimed atomically, so each tick (and
 * each SENSOR_OFFLINE) happens once across all bridge instances, and a crashed claimer's checks come back after the lease.
 */
export function startScheduler(options: SchedulerOptions): { stop(): Promise<void> } {
  const settings: Required<SchedulerOptions> = {
    intervalMs: 1000,
    leaseMs: 30_000,
    batch: 200,
    now: Date.now,
    onError: () => {},
    ...options,
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function round(): Promise<void> {
    const now = settings.now();
    const due = await settings.store.claimDueChecks(now, settings.batch, settings.leaseMs);
    for (const entity of due) {
      if (stopped) return;
      await tick(settings, entity, now).catch(settings.onError);
    }
  }

  const schedule = () => {
    timer = setTimeout(() => {
      running = round()
        .catch(settings.onError)
        .finally(() => {
          if (!stopped) schedule();
        });
    }, settings.intervalMs);
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
