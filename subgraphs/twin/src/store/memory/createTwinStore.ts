import {
  acknowledgeAlert as acknowledgeEngineAlert,
  applyEventToAlert,
  CHECKPOINT_INTERVAL_MS,
  type Checkpoint,
} from '@bst/coldchain';
import { compareStreamIds, type StreamId, streamStart } from '../alertCursor.ts';
import { createPartitionedStore } from '../createPartitionedStore.ts';
import { entityKey, entityKeyOfAlert, parseEntityKey, storeKeys } from '../keys.ts';
import { outboxHandle } from '../outboxHandle.ts';
import { partitionOf } from '../partitioning.ts';
import { resolveStoreOptions } from '../resolveStoreOptions.ts';
import type { AlertStreamEntry, PartitionStats, StoreBackend } from '../StoreBackend.ts';
import { nextStreamId, streamIdTime } from '../streamIds.ts';
import type {
  AcknowledgeOutcome,
  AlertEventRecord,
  DeadLetter,
  LiveState,
  MonitoringCatalog,
  MonitorRecord,
  MonitorUpdate,
  OutboxEntry,
  ReadingCommit,
  ReadingCommitOutcome,
  StoredAlert,
  TickCommit,
  TickCommitOutcome,
  TwinReading,
  TwinStore,
  TwinStoreOptions,
} from '../TwinStore.ts';
import { type Journal, type JournalOptions, openJournal } from './journal.ts';
import { createMemoryPubSub } from './pubsub.ts';

export interface MemoryTwinStoreOptions extends TwinStoreOptions {
  /** Keep the store on disk here (journal + snapshot) so a restart loses nothing; omitted = in memory only. */
  dataDir?: string;
  journal?: JournalOptions;
}

interface EntityRecord {
  /** Sorted by event time; one reading per event time. */
  readings: TwinReading[];
  live: LiveState | null;
  monitor: MonitorRecord;
  /** Engine checkpoints in the hot window, by hour of event time (absent in snapshots written before they existed). */
  checkpoints?: Map<number, Checkpoint>;
}

type OutboxPayload = OutboxEntry extends infer E ? (E extends OutboxEntry ? Omit<E, 'handle'> : never) : never;

interface PartitionState {
  stats: PartitionStats;
  /** entity key → receive time of its live state */
  liveIndex: Map<string, number>;
  /** alert id → startedAt */
  alertIndex: Map<string, number>;
  due: Map<string, number>;
  unregistered: Map<string, { firstSeenAt: number; lastSeenAt: number; readings: number }>;
  stream: { entries: AlertStreamEntry[]; last: StreamId; trimmed: StreamId };
  outbox: { entries: { id: StreamId; payload: OutboxPayload }[]; last: StreamId };
  /** alert id → time of its last transition, for alerts that ended or have a log and no record (Redis 'alerts-ended'). */
  ended?: Map<string, number>;
}

interface MemoryState {
  partitions: number | null;
  entities: Map<string, EntityRecord>;
  alerts: Map<string, StoredAlert>;
  /** Kept apart from the records: a withdrawn alert loses its record, never its log. */
  alertLogs: Map<string, AlertEventRecord[]>;
  parts: PartitionState[];
  deadLetters: DeadLetter[];
  rejected: number;
}

/** Where each archiver stands; not persisted: after a restart every unacknowledged entry is delivered again. */
interface Delivery {
  lastDelivered: StreamId;
  pending: Map<StreamId, { consumer: string; deliveredAt: number }>;
}

type Ack = { by: string; note?: string | null; at: number };

/** Every write, as journaled: replaying them against the snapshot gives the same state (the clock travels along). */
type MemoryWrite =
  | { t: 'partitions'; count: number }
  | { t: 'readings'; p: number; commits: ReadingCommit[]; now: number }
  | { t: 'tick'; p: number; commit: TickCommit; now: number }
  | { t: 'ack'; p: number; id: string; ack: Ack; now: number }
  | { t: 'claim'; p: number; keys: string[]; now: number; leaseUntil: number }
  | { t: 'reject'; deadLetter: DeadLetter }
  | { t: 'outboxAck'; p: number; ids: StreamId[] }
  | { t: 'restore'; p: number; id: string; alert: StoredAlert | null; log: AlertEventRecord[]; now: number }
  | { t: 'clear' };

function emptyPartition(): PartitionState {
  return {
    stats: { accepted: 0, duplicates: 0, late: 0, unregistered: 0 },
    liveIndex: new Map(),
    alertIndex: new Map(),
    due: new Map(),
    unregistered: new Map(),
    stream: { entries: [], last: streamStart, trimmed: streamStart },
    outbox: { entries: [], last: streamStart },
    ended: new Map(),
  };
}

function emptyState(partitions: number): MemoryState {
  return {
    partitions: null,
    entities: new Map(),
    alerts: new Map(),
    alertLogs: new Map(),
    parts: Array.from({ length: partitions }, emptyPartition),
    deadLetters: [],
    rejected: 0,
  };
}

/** Maps become entry arrays; everything else is plain JSON already. */
function serialize(state: MemoryState): unknown {
  return JSON.parse(
    JSON.stringify(state, (_, value: unknown) => (value instanceof Map ? { $map: [...value.entries()] } : value)),
  );
}

function restore(json: unknown): MemoryState {
  return JSON.parse(JSON.stringify(json), (_, value: unknown) =>
    value !== null && typeof value === 'object' && '$map' in value
      ? new Map((value as { $map: [unknown, unknown][] }).$map)
      : value,
  ) as MemoryState;
}

function copyMonitor(monitor: MonitorRecord): MonitorRecord {
  return { state: monitor.state === null ? null : structuredClone(monitor.state), version: monitor.version };
}

/** The state a monitor update came from is a hint for adapters that write changes; the journal need not keep it. */
function withoutFrom<T extends MonitorUpdate>(update: T): T {
  if (update.from === undefined) return update;
  const { from: _, ...rest } = update;
  return rest as T;
}

function journaledCommit(commit: ReadingCommit): ReadingCommit {
  return commit.monitor ? { ...commit, monitor: withoutFrom(commit.monitor) } : commit;
}

function hourOfCheckpoint(at: number): number {
  return Math.floor(at / CHECKPOINT_INTERVAL_MS) * CHECKPOINT_INTERVAL_MS;
}

function byNewest(a: [string, number], b: [string, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0);
}

/**
 * The embedded store for `npm start`: the same semantics as the Redis adapter, held in this process, optionally kept
 * on disk (`dataDir`) so a restart loses nothing.
 */
export function createMemoryTwinStore(options: MemoryTwinStoreOptions = {}): TwinStore {
  const {
    prefix,
    partitions,
    retention,
    alertStream: streamRetention,
    endedAlerts,
    maxDeadLetters,
    ...resolved
  } = resolveStoreOptions(options);
  const outboxEnabled = resolved.outbox;
  const keys = storeKeys(prefix, partitions);
  const pubsub = createMemoryPubSub();
  let state = emptyState(partitions);
  let deliveries: Delivery[] = [];
  let catalog: { value: MonitoringCatalog; expiresAt: number } | null = null;
  let publishing = true;

  function delivery(p: number): Delivery {
    deliveries[p] ??= { lastDelivered: streamStart, pending: new Map() };
    return deliveries[p];
  }

  function part(p: number): PartitionState {
    return state.parts[p] as PartitionState;
  }

  function record(key: string): EntityRecord {
    let found = state.entities.get(key);
    if (!found) {
      found = { readings: [], live: null, monitor: { state: null, version: 0 } };
      state.entities.set(key, found);
    }
    return found;
  }

  function publish(channel: string, message: unknown): void {
    if (publishing) pubsub.publish(channel, JSON.stringify(message));
  }

  function appendOutbox(p: number, payload: OutboxPayload, now: number): void {
    if (!outboxEnabled) return;
    const outbox = part(p).outbox;
    outbox.last = nextStreamId(outbox.last, now);
    outbox.entries.push({ id: outbox.last, payload: structuredClone(payload) });
  }

  function trimStream(p: number, now: number): void {
    const stream = part(p).stream;
    const cutoff = now - streamRetention.maxAgeMs;
    let drop = 0;
    while (drop < stream.entries.length && streamIdTime((stream.entries[drop] as AlertStreamEntry).id) < cutoff) drop++;
    drop = Math.max(drop, stream.entries.length - streamRetention.maxLength);
    if (drop <= 0) return;
    stream.trimmed = (stream.entries[drop - 1] as AlertStreamEntry).id;
    stream.entries.splice(0, drop);
  }

  /** A snapshot written before ended alerts left the store has no list: every alert it holds joins at its next change. */
  function endedOf(partition: PartitionState): Map<string, number> {
    partition.ended ??= new Map();
    return partition.ended;
  }

  /** As the Redis script's markEnded: listed by the time of its last transition (its outbox entry's, with an outbox). */
  function markEnded(p: number, id: string, changedAt: number): void {
    const alert = state.alerts.get(id);
    if (alert && alert.endedAt === null) endedOf(part(p)).delete(id);
    else endedOf(part(p)).set(id, changedAt);
  }

  /**
   * As the Redis script's sweepEndedAlerts: up to 16 listed alerts whose last transition is older than the keep leave,
   * once archived (older than the oldest outbox entry left) and past the engine's reach (ended at or before the entity's
   * horizonAt); one the engine can still change waits another keep.
   */
  function sweepEndedAlerts(p: number, now: number): void {
    const partition = part(p);
    const listed = endedOf(partition);
    if (listed.size === 0) return;
    const cutoff = now - endedAlerts.keepMs;
    const due = [...listed]
      .filter(([, changedAt]) => changedAt <= cutoff)
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, 16);
    const oldest = partition.outbox.entries[0];
    const archivedBefore = outboxEnabled && oldest ? streamIdTime(oldest.id) : Number.POSITIVE_INFINITY;
    for (const [id, changedAt] of due) {
      if (changedAt >= archivedBefore) return;
      const alert = state.alerts.get(id);
      const owner = entityKeyOfAlert(id);
      const engine = owner === null ? null : (state.entities.get(owner)?.monitor.state ?? null);
      const changeable =
        alert?.endedAt != null && engine !== null && (engine.horizonAt == null || engine.horizonAt < alert.endedAt);
      if (changeable) {
        listed.set(id, now);
        continue;
      }
      state.alerts.delete(id);
      state.alertLogs.delete(id);
      partition.alertIndex.delete(id);
      listed.delete(id);
    }
  }

  function restoreAlert(p: number, id: string, alert: StoredAlert | null, log: AlertEventRecord[], now: number) {
    if (state.alertLogs.has(id)) return false;
    state.alertLogs.set(id, structuredClone(log));
    if (alert) {
      state.alerts.set(id, { ...alert });
      part(p).alertIndex.set(id, alert.startedAt);
    }
    markEnded(p, id, now);
    return true;
  }

  /** The store side of `applyEventToAlert`: record, indexes, log, outbox, stream, publish. */
  function applyAlertEvent(p: number, event: AlertEventRecord, now: number): void {
    const existing = state.alerts.get(event.alertId);
    // A RAISED for an alert that has a record is a redelivery: not logged, not published.
    if (event.transition === 'RAISED' && existing) return;
    const next = applyEventToAlert(existing, event);
    const partition = part(p);
    let alert: StoredAlert | null = null;
    if (next) {
      alert = {
        ...next,
        entityType: existing?.entityType ?? event.entityType,
        code: existing?.code ?? event.code,
      };
      state.alerts.set(event.alertId, alert);
      partition.alertIndex.set(event.alertId, alert.startedAt);
    } else if (existing) {
      state.alerts.delete(event.alertId);
      partition.alertIndex.delete(event.alertId);
    }
    const log = state.alertLogs.get(event.alertId) ?? [];
    state.alertLogs.set(event.alertId, log);
    log.push(structuredClone(event));
    appendOutbox(p, { kind: 'alert-event', alertId: event.alertId, position: log.length, event }, now);
    markEnded(p, event.alertId, outboxEnabled ? streamIdTime(partition.outbox.last) : now);
    const stream = partition.stream;
    const entry: AlertStreamEntry = {
      partition: p,
      id: nextStreamId(stream.last, now),
      prev: stream.last,
      event: structuredClone(event),
      alert: alert && { ...alert },
    };
    stream.last = entry.id;
    stream.entries.push(entry);
    trimStream(p, now);
    publish(keys.alertChannel, entry);
  }

  function setMonitor(p: number, key: string, target: EntityRecord, update: MonitorUpdate, now: number): void {
    target.monitor = { state: structuredClone(update.state), version: target.monitor.version + 1 };
    if (update.nextCheckAt === null) part(p).due.delete(key);
    else part(p).due.set(key, update.nextCheckAt);
    if (!update.checkpoints?.length) return;
    target.checkpoints ??= new Map();
    const entity = parseEntityKey(key);
    for (const checkpoint of update.checkpoints) {
      target.checkpoints.set(hourOfCheckpoint(checkpoint.at), structuredClone(checkpoint));
      appendOutbox(p, { kind: 'checkpoint', entity, version: target.monitor.version, checkpoint }, now);
    }
  }

  /** Checkpoints leave with the hot window's readings (the archive keeps them). */
  function trimCheckpoints(target: EntityRecord, cutoff: number): void {
    if (!target.checkpoints) return;
    for (const hour of target.checkpoints.keys()) {
      if (hour + CHECKPOINT_INTERVAL_MS < cutoff) target.checkpoints.delete(hour);
    }
  }

  function insertReading(readings: TwinReading[], reading: TwinReading, newest: number): void {
    let i = readings.length;
    while (i > 0 && (readings[i - 1] as TwinReading).at > reading.at) i--;
    readings.splice(i, 0, { ...reading });
    if (readings.length > retention.maxReadings) readings.splice(0, readings.length - retention.maxReadings);
    const cutoff = newest - retention.maxAgeMs;
    const keep = readings.findIndex((r) => r.at >= cutoff);
    readings.splice(0, keep === -1 ? readings.length : keep);
  }

  function commitReadings(p: number, commits: ReadingCommit[], now: number): ReadingCommitOutcome[] {
    const partition = part(p);
    // Entities whose engine state in this batch followed from a commit that was not stored.
    const broken = new Set<string>();
    // Per entity, in first-seen order, its newest live state of the batch: published once, after the batch (as Redis).
    const newestLive = new Map<string, LiveState | null>();
    const outcomes = commits.map(({ entity, reading, live, monitor }): ReadingCommitOutcome => {
      const key = entityKey(entity);
      const target = record(key);
      if (!newestLive.has(key)) newestLive.set(key, null);
      if (monitor && broken.has(key)) return { status: 'conflict', current: copyMonitor(target.monitor) };
      if (target.readings.some((r) => r.at === reading.at)) {
        partition.stats.duplicates++;
        if (monitor) broken.add(key);
        return { status: 'duplicate' };
      }
      if (monitor && monitor.expectedVersion !== target.monitor.version) {
        broken.add(key);
        return { status: 'conflict', current: copyMonitor(target.monitor) };
      }
      if (monitor) setMonitor(p, key, target, monitor, now);
      const newest = Math.max(target.live?.at ?? reading.at, reading.at);
      insertReading(target.readings, reading, newest);
      trimCheckpoints(target, newest - retention.maxAgeMs);
      partition.stats.accepted++;
      let late = false;
      if (target.live && target.live.at > reading.at) {
        late = true;
        partition.stats.late++;
      } else if (!target.live || target.live.at < reading.at) {
        target.live = { ...live };
        partition.liveIndex.set(key, reading.receivedAt);
        newestLive.set(key, live);
      }
      if (!live.registered) {
        partition.stats.unregistered++;
        const seen = partition.unregistered.get(key) ?? {
          firstSeenAt: reading.receivedAt,
          lastSeenAt: 0,
          readings: 0,
        };
        seen.lastSeenAt = reading.receivedAt;
        seen.readings++;
        partition.unregistered.set(key, seen);
      }
      appendOutbox(p, { kind: 'reading', entity: { ...entity }, reading }, now);
      if (monitor) for (const event of monitor.events) applyAlertEvent(p, event, now);
      return { status: 'stored', late };
    });
    for (const live of newestLive.values()) if (live) publish(keys.liveChannel, live);
    sweepEndedAlerts(p, now);
    return outcomes;
  }

  function commitTick(p: number, commit: TickCommit, now: number): TickCommitOutcome {
    const key = entityKey(commit.entity);
    const target = record(key);
    if (commit.expectedVersion !== target.monitor.version) {
      return { status: 'conflict', current: copyMonitor(target.monitor) };
    }
    setMonitor(p, key, target, commit, now);
    for (const event of commit.events) applyAlertEvent(p, event, now);
    sweepEndedAlerts(p, now);
    return { status: 'stored' };
  }

  function acknowledge(p: number, id: string, ack: Ack, now: number): AcknowledgeOutcome {
    const alert = state.alerts.get(id);
    if (!alert) return { status: 'not_found' };
    if (alert.acknowledgedAt !== null) return { status: 'conflict', alert: { ...alert } };
    const { event } = acknowledgeEngineAlert(alert, { by: ack.by, note: ack.note ?? null, at: ack.at });
    const recorded: AlertEventRecord = { ...event, entityType: alert.entityType, code: alert.code };
    applyAlertEvent(p, recorded, now);
    return {
      status: 'acknowledged',
      alert: { ...(state.alerts.get(id) as StoredAlert) },
      event: structuredClone(recorded),
    };
  }

  function apply(write: MemoryWrite): unknown {
    switch (write.t) {
      case 'partitions':
        state.partitions ??= write.count;
        return state.partitions;
      case 'readings':
        return commitReadings(write.p, write.commits, write.now);
      case 'tick':
        return commitTick(write.p, write.commit, write.now);
      case 'ack':
        return acknowledge(write.p, write.id, write.ack, write.now);
      case 'claim': {
        const due = part(write.p).due;
        const claimed = write.keys.filter((key) => {
          const at = due.get(key);
          return at !== undefined && at <= write.now;
        });
        for (const key of claimed) due.set(key, write.leaseUntil);
        return claimed;
      }
      case 'reject':
        state.rejected++;
        state.deadLetters.unshift(write.deadLetter);
        if (state.deadLetters.length > maxDeadLetters) state.deadLetters.length = maxDeadLetters;
        return undefined;
      case 'outboxAck': {
        const acknowledged = new Set(write.ids);
        for (const id of write.ids) delivery(write.p).pending.delete(id);
        part(write.p).outbox.entries = part(write.p).outbox.entries.filter((e) => !acknowledged.has(e.id));
        return acknowledged.size;
      }
      case 'restore':
        return restoreAlert(write.p, write.id, write.alert, write.log, write.now);
      case 'clear':
        state = emptyState(partitions);
        deliveries = [];
        catalog = null;
        return undefined;
    }
  }

  let journal: Journal | null = null;
  if (options.dataDir) {
    const opened = openJournal(options.dataDir, options.journal);
    if (opened.snapshot !== null) state = restore(opened.snapshot);
    publishing = false;
    for (const write of opened.records) apply(write as MemoryWrite);
    publishing = true;
    journal = opened.start(() => serialize(state));
  }

  async function write<T>(change: MemoryWrite): Promise<T> {
    const result = apply(change) as T;
    if (journal) await journal.append(change);
    return result;
  }

  function toOutboxEntry(p: number, item: { id: StreamId; payload: OutboxPayload }): OutboxEntry {
    return { ...structuredClone(item.payload), handle: outboxHandle(p, item.id) } as OutboxEntry;
  }

  const backend: StoreBackend = {
    recordPartitions: (count) => write<number>({ t: 'partitions', count }),

    commitReadings: (p, commits) =>
      write({ t: 'readings', p, commits: journal ? commits.map(journaledCommit) : commits, now: Date.now() }),
    commitTick: (p, commit) => write({ t: 'tick', p, commit: journal ? withoutFrom(commit) : commit, now: Date.now() }),
    acknowledgeAlert: (p, id, ack) => write({ t: 'ack', p, id, ack, now: Date.now() }),
    restoreAlert: (p, id, alert, log) => write<boolean>({ t: 'restore', p, id, alert, log, now: Date.now() }),

    async dueCandidates(p, now, limit) {
      return [...part(p).due.entries()]
        .filter(([, at]) => at <= now)
        .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit);
    },
    claimDue: (p, claimKeys, now, leaseUntil) => write({ t: 'claim', p, keys: claimKeys, now, leaseUntil }),
    recordRejection: (deadLetter) => write({ t: 'reject', deadLetter }),

    async monitor(entity) {
      return copyMonitor(state.entities.get(entityKey(entity))?.monitor ?? { state: null, version: 0 });
    },
    async liveMany(entities) {
      return entities.map((entity) => {
        const live = state.entities.get(entityKey(entity))?.live;
        return live ? { ...live } : null;
      });
    },
    async liveIndex(p, limit) {
      return [...part(p).liveIndex.entries()].sort(byNewest).slice(0, limit);
    },
    async readings(entity, query) {
      const all = state.entities.get(entityKey(entity))?.readings ?? [];
      const inRange = all.filter(
        (r) => (query.since === undefined || r.at >= query.since) && (query.until === undefined || r.at <= query.until),
      );
      const selected =
        query.last !== undefined
          ? inRange.slice(Math.max(0, inRange.length - query.last))
          : query.first !== undefined
            ? inRange.slice(0, query.first)
            : inRange;
      return selected.map((r) => ({ ...r }));
    },
    async countReadings(entity, ranges) {
      const all = state.entities.get(entityKey(entity))?.readings ?? [];
      return ranges.map(({ after, before }) => all.filter((r) => r.at > after && r.at < before).length);
    },
    async checkpointBefore(entity, before) {
      let found: Checkpoint | null = null;
      for (const checkpoint of state.entities.get(entityKey(entity))?.checkpoints?.values() ?? []) {
        if (checkpoint.at < before && (found === null || checkpoint.at > found.at)) found = checkpoint;
      }
      return found && structuredClone(found);
    },
    async alertsByIds(ids) {
      return ids.map((id) => {
        const alert = state.alerts.get(id);
        return alert ? { ...alert } : null;
      });
    },
    async alertIds(p, since, offset, count) {
      return [...part(p).alertIndex.entries()]
        .filter(([, startedAt]) => since === undefined || startedAt >= since)
        .sort(byNewest)
        .slice(offset, offset + count)
        .map(([id]) => id);
    },
    async entityAlertIds(entity) {
      const key = entityKey(entity);
      return [...part(partitionOf(key, partitions)).alertIndex.keys()].filter((id) => id.startsWith(`${key}:`));
    },
    async alertEvents(id) {
      return structuredClone(state.alertLogs.get(id) ?? []);
    },
    async stats(p) {
      return { ...part(p).stats };
    },
    async rejected() {
      return state.rejected;
    },
    async deadLetters(first) {
      return state.deadLetters.slice(0, first).map((d) => ({ ...d }));
    },
    async unregistered(p) {
      return [...part(p).unregistered.entries()].map(([key, seen]) => ({ ...parseEntityKey(key), ...seen }));
    },

    async alertStreamRange(p, after, count) {
      return part(p)
        .stream.entries.filter((entry) => compareStreamIds(entry.id, after) > 0)
        .slice(0, count)
        .map((entry) => structuredClone(entry));
    },
    async alertStreamPosition(p) {
      const { last, trimmed } = part(p).stream;
      return { last, trimmed };
    },
    subscribeAlertStream(listener) {
      return pubsub.subscribe<AlertStreamEntry>(keys.alertChannel, listener);
    },
    subscribeLiveState(listener) {
      return pubsub.subscribe<LiveState>(keys.liveChannel, listener);
    },

    async outboxRead(p, consumer, count) {
      const d = delivery(p);
      const now = Date.now();
      const fresh = part(p)
        .outbox.entries.filter((e) => compareStreamIds(e.id, d.lastDelivered) > 0)
        .slice(0, count);
      for (const item of fresh) d.pending.set(item.id, { consumer, deliveredAt: now });
      const last = fresh.at(-1);
      if (last) d.lastDelivered = last.id;
      return fresh.map((item) => toOutboxEntry(p, item));
    },
    async outboxAcknowledge(p, ids) {
      const known = ids.filter((id) => delivery(p).pending.has(id));
      if (known.length === 0) return 0;
      return write<number>({ t: 'outboxAck', p, ids: known });
    },
    async outboxClaimStale(p, consumer, minIdleMs, count) {
      const now = Date.now();
      const { pending } = delivery(p);
      const claimed = part(p)
        .outbox.entries.filter((e) => {
          const holder = pending.get(e.id);
          return holder !== undefined && now - holder.deliveredAt >= minIdleMs;
        })
        .slice(0, count);
      for (const item of claimed) pending.set(item.id, { consumer, deliveredAt: now });
      return claimed.map((item) => toOutboxEntry(p, item));
    },
    async outboxLag(p) {
      const entries = part(p).outbox.entries;
      const first = entries[0];
      return {
        unacknowledged: entries.length,
        pending: delivery(p).pending.size,
        oldestAt: first ? streamIdTime(first.id) : null,
      };
    },

    async cachedCatalog() {
      if (!catalog || catalog.expiresAt <= Date.now()) return null;
      return structuredClone(catalog.value);
    },
    async cacheCatalog(value, ttlSeconds) {
      catalog = { value: structuredClone(value), expiresAt: Date.now() + Math.max(1, Math.round(ttlSeconds)) * 1000 };
    },

    async clear() {
      await write({ t: 'clear' });
    },
    async ping() {},

    async close() {
      await pubsub.close();
      await journal?.close();
    },
  };

  return createPartitionedStore(backend, {
    prefix,
    partitions,
    hotWindowMs: retention.maxAgeMs,
    channels: { alertEvents: keys.alertChannel, liveState: keys.liveChannel },
  });
}
