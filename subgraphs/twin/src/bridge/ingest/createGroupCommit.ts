import { createHistory } from '../../archive/createHistory.ts';
import {
  type EntityRef,
  entityKey,
  type MonitorRecord,
  type ReadingCommit,
  type ReadingCommitOutcome,
  type TwinReading,
  type TwinStore,
} from '../../store/index.ts';
import type { CatalogView } from '../catalog/followCatalog.ts';
import { createMonitorCache, type MonitorCache } from './monitorCache.ts';
import { type ReplayVeryLate, replayFrom } from './replayVeryLate.ts';
import { type EngineStep, stepEngine, stepFromReplay } from './stepEngine.ts';

export interface GroupCommitOptions {
  store: TwinStore;
  catalog: () => CatalogView;
  /** The engine records this bridge last wrote (shared with the scheduler); a fresh cache when omitted. */
  monitors?: MonitorCache;
  /** Most readings in one `commitReadings` call: a batch is one Lua script per partition, which blocks its Redis. */
  maxBatch?: number;
  /** Batches being committed at once; while they are, arriving readings wait and form the next batch. */
  maxInFlight?: number;
  /** Replays a reading older than the engine's reorder horizon; default: from the store's hot window alone. */
  replay?: ReplayVeryLate;
  onError?: (error: unknown) => void;
}

export interface GroupCommitStats {
  batches: number;
  readings: number;
  /** Readings re-run on the engine because their entity's state had moved (another instance, a tick). */
  conflicts: number;
  largestBatch: number;
}

export interface GroupCommit {
  /**
   * Queues one reading; resolves with its outcome once it is stored (or found a duplicate). One entity's readings are
   * committed in the order of these calls; a failing store is retried until `close()`.
   */
  ingest(entity: EntityRef, reading: TwinReading): Promise<ReadingCommitOutcome>;
  stats(): GroupCommitStats;
  /** From now on a failed batch rejects its readings and those queued behind them instead of retrying (stop). */
  close(): void;
}

/** What the topic handlers need: the store for dead letters, and where readings go. */
export interface IngestContext {
  store: TwinStore;
  ingest: GroupCommit['ingest'];
}

interface Waiting {
  reading: TwinReading;
  resolve: (outcome: ReadingCommitOutcome) => void;
  reject: (error: unknown) => void;
}

/** One entity's readings not yet stored; `busy` while some of them are in a batch being committed. */
interface Lane {
  entity: EntityRef;
  queue: Waiting[];
  busy: boolean;
}

interface Taken {
  lane: Lane;
  items: Waiting[];
  steps: EngineStep[];
  /** The engine record the first step started from. */
  start: MonitorRecord;
  /** A reading older than the reorder horizon, first in its entity's queue: replayed and committed on its own. */
  replay?: { item: Waiting; step: EngineStep };
}

const retryDelaysMs = [50, 100, 250, 500, 1000, 2000];
const neverWritten: MonitorRecord = { state: null, version: 0 };

/**
 * Group commit: readings of many entities go to the store together through `commitReadings`, so a batch costs one
 * round trip. Nothing waits for a timer: a reading is committed at once unless `maxInFlight` batches are already being
 * committed, in which case it joins the next batch. So batches are one reading at a low rate and grow with the load
 * (up to `maxBatch`), and the linger is the commit time of the batches ahead.
 *
 * Per entity: its readings run through the engine in arrival order when the batch is formed, several in one batch
 * chaining their states; an entity is in at most one batch at a time, so each batch starts from the stored outcome
 * of the previous one. A compare-and-set conflict (the store's state moved) re-runs that entity's readings from the
 * state the store returned, in the next batch, ahead of its newer readings.
 */
export function createGroupCommit(options: GroupCommitOptions): GroupCommit {
  const { store } = options;
  const monitors = options.monitors ?? createMonitorCache();
  const maxBatch = options.maxBatch ?? 256;
  const maxInFlight = options.maxInFlight ?? 2;
  const onError = options.onError ?? (() => {});
  const replay = options.replay ?? replayFrom(store, createHistory(store, null), null);
  const lanes = new Map<string, Lane>();
  // Keys of lanes with readings and no batch in flight, oldest first.
  const ready = new Set<string>();
  const stats: GroupCommitStats = { batches: 0, readings: 0, conflicts: 0, largestBatch: 0 };
  let inFlight = 0;
  let scheduled = false;
  let closed = false;
  let failures = 0;

  function schedule(): void {
    if (scheduled || inFlight >= maxInFlight || ready.size === 0) return;
    scheduled = true;
    // After the current I/O callbacks: every message parsed from one socket read joins the same batch.
    setImmediate(() => {
      scheduled = false;
      while (inFlight < maxInFlight && ready.size > 0) startBatch();
    });
  }

  function takeFrom(lane: Lane, room: number, catalog: CatalogView): Taken {
    const start = monitors.get(lane.entity) ?? neverWritten;
    const taken: Taken = { lane, items: [], steps: [], start };
    let record = start;
    let speculative = false;
    for (const item of lane.queue) {
      if (taken.items.length >= room) break;
      const step = stepEngine(catalog, lane.entity, record, item.reading);
      if (step.replay) {
        // Replayed from the stored state of its entity (needs I/O): only as the first reading of the entity's batch.
        if (taken.items.length === 0) taken.replay = { item, step };
        break;
      }
      // Without a compare-and-set nothing would catch a judgement made on a state this batch has not stored yet.
      if (speculative && !step.commit.monitor) break;
      speculative ||= step.commit.monitor !== undefined;
      taken.items.push(item);
      taken.steps.push(step);
      record = step.next;
    }
    lane.queue.splice(0, taken.items.length + (taken.replay ? 1 : 0));
    return taken;
  }

  function startBatch(): void {
    const catalog = options.catalog();
    const batch: Taken[] = [];
    const commits: ReadingCommit[] = [];
    for (const key of ready) {
      if (commits.length >= maxBatch) break;
      const lane = lanes.get(key) as Lane;
      ready.delete(key);
      lane.busy = true;
      const taken = takeFrom(lane, maxBatch - commits.length, catalog);
      batch.push(taken);
      for (const step of taken.steps) commits.push(step.commit);
    }
    inFlight++;
    stats.batches++;
    stats.readings += commits.length;
    stats.largestBatch = Math.max(stats.largestBatch, commits.length);
    const replays = batch.filter((taken) => taken.replay).map(replayOne);
    void Promise.all([commits.length > 0 ? commitBatch(batch, commits) : undefined, ...replays]).finally(() => {
      inFlight--;
      for (const { lane } of batch) {
        lane.busy = false;
        const key = entityKey(lane.entity);
        if (lane.queue.length > 0) ready.add(key);
        else lanes.delete(key);
      }
      schedule();
    });
  }

  function settle(taken: Taken, outcomes: ReadingCommitOutcome[], offset: number): void {
    const { lane, items, steps } = taken;
    let cached: MonitorRecord | null = null;
    const retry: Waiting[] = [];
    for (const [i, item] of items.entries()) {
      const outcome = outcomes[offset + i] as ReadingCommitOutcome;
      const step = steps[i] as EngineStep;
      if (outcome.status === 'conflict') {
        cached = outcome.current;
        retry.push(item);
        continue;
      }
      // A duplicate left the stored state as it was before this step.
      if (step.commit.monitor) cached = outcome.status === 'stored' ? step.next : (steps[i - 1]?.next ?? taken.start);
      item.resolve(outcome);
    }
    if (cached) monitors.set(lane.entity, cached);
    stats.conflicts += retry.length;
    lane.queue.unshift(...retry);
  }

  /** A very late reading: load the stored series, replay, then commit under the same compare-and-set. */
  async function replayOne(taken: Taken): Promise<void> {
    const { lane, start } = taken;
    const { item, step } = taken.replay as { item: Waiting; step: EngineStep };
    const { before, profile } = step.replay as NonNullable<EngineStep['replay']>;
    try {
      const replayed = start.state ? await replay(lane.entity, start.state, item.reading, before, profile) : null;
      const final = stepFromReplay(lane.entity, start, item.reading, profile, replayed);
      const [outcome] = (await store.commitReadings([final.commit])) as [ReadingCommitOutcome];
      if (outcome.status === 'conflict') {
        monitors.set(lane.entity, outcome.current);
        stats.conflicts++;
        lane.queue.unshift(item);
        return;
      }
      if (final.commit.monitor) monitors.set(lane.entity, outcome.status === 'stored' ? final.next : start);
      item.resolve(outcome);
    } catch (error) {
      onError(error);
      if (closed) {
        for (const waiting of [item, ...lane.queue.splice(0)]) waiting.reject(error);
        return;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, retryDelaysMs[Math.min(failures++, retryDelaysMs.length - 1)]),
      );
      lane.queue.unshift(item);
    }
  }

  async function commitBatch(batch: Taken[], commits: ReadingCommit[]): Promise<void> {
    let outcomes: ReadingCommitOutcome[];
    try {
      outcomes = await store.commitReadings(commits);
    } catch (error) {
      onError(error);
      if (!closed) {
        // The store is unreachable or failing: the batch stays unacknowledged, ahead of its entities' newer readings.
        await new Promise((resolve) =>
          setTimeout(resolve, retryDelaysMs[Math.min(failures++, retryDelaysMs.length - 1)]),
        );
      }
      for (const { lane, items } of batch) {
        if (items.length === 0) continue;
        if (closed) {
          // Nothing of these entities may be stored after a reading that was not: all are left for redelivery.
          for (const item of [...items, ...lane.queue.splice(0)]) item.reject(error);
        } else lane.queue.unshift(...items);
      }
      return;
    }
    failures = 0;
    let offset = 0;
    for (const taken of batch) {
      settle(taken, outcomes, offset);
      offset += taken.items.length;
    }
  }

  return {
    ingest(entity, reading) {
      return new Promise<ReadingCommitOutcome>((resolve, reject) => {
        const key = entityKey(entity);
        let lane = lanes.get(key);
        if (!lane) {
          lane = { entity, queue: [], busy: false };
          lanes.set(key, lane);
        }
        lane.queue.push({ reading, resolve, reject });
        if (!lane.busy) ready.add(key);
        schedule();
      });
    },
    stats: () => ({ ...stats }),
    close() {
      closed = true;
    },
  };
}
