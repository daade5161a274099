import { foldAlertEvents } from '@bst/coldchain';
import { encodeAlertCursor, type StreamId } from './alertCursor.ts';
import { alertEventMatches, alertMatches } from './alertMatches.ts';
import { followAlertEvents } from './followAlertEvents.ts';
import { entityKey, entityKeyOfAlert, parseEntityKey } from './keys.ts';
import { parseOutboxHandle } from './outboxHandle.ts';
import { PartitionCountMismatchError } from './PartitionCountMismatchError.ts';
import { partitionOf } from './partitioning.ts';
import { currentPositions, positionsAfter, readAlertStream } from './readAlertStream.ts';
import type { StoreBackend } from './StoreBackend.ts';
import type {
  AlertEventPage,
  AlertEventRecord,
  AlertFilter,
  ArchiveOutbox,
  EntityRef,
  IngestStats,
  OutboxEntry,
  ReadingCommitOutcome,
  StoredAlert,
  TwinStore,
} from './TwinStore.ts';
import { truncatePayload } from './truncatePayload.ts';

export interface PartitionedStoreConfig {
  prefix: string;
  partitions: number;
  hotWindowMs: number;
  channels: TwinStore['channels'];
}

function newestFirst(a: StoredAlert, b: StoredAlert): number {
  return b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Splits `total` over `slots` as evenly as possible, the first ones taking the remainder. */
function shares(total: number, slots: number): number[] {
  return Array.from({ length: slots }, (_, i) => Math.floor(total / slots) + (i < total % slots ? 1 : 0));
}

/**
 * The TwinStore both adapters present: writes go to the one partition of their entity (grouped per partition for a
 * batch), global reads fan out over the partitions and merge, so cross-partition rules are written once here.
 */
export function createPartitionedStore(backend: StoreBackend, config: PartitionedStoreConfig): TwinStore {
  const { partitions } = config;
  const all = Array.from({ length: partitions }, (_, p) => p);
  let checked: Promise<void> | null = null;
  let rotation = 0;

  function ready(): Promise<void> {
    checked ??= backend.recordPartitions(partitions).then(
      (recorded) => {
        if (recorded !== partitions) throw new PartitionCountMismatchError(config.prefix, recorded, partitions);
      },
      (error: unknown) => {
        // Redis unreachable at start is passing: the next call asks again.
        checked = null;
        throw error;
      },
    );
    return checked;
  }

  const partitionOfEntity = (entity: EntityRef) => partitionOf(entityKey(entity), partitions);

  async function alertsOfEntities(filter: AlertFilter, first: number): Promise<StoredAlert[]> {
    const types = filter.entityType ? [filter.entityType] : (['CONTAINER', 'SAMPLE'] as const);
    const entities = (filter.codes ?? []).flatMap((code) => types.map((entityType) => ({ entityType, code })));
    const ids = (await Promise.all(entities.map((entity) => backend.entityAlertIds(entity)))).flat();
    const alerts = (await backend.alertsByIds(ids)).filter((a): a is StoredAlert => a !== null);
    return alerts
      .filter((a) => alertMatches(a, filter))
      .sort(newestFirst)
      .slice(0, first);
  }

  async function alertsOfPartition(partition: number, filter: AlertFilter, first: number): Promise<StoredAlert[]> {
    const found: StoredAlert[] = [];
    const page = Math.max(first, 100);
    for (let offset = 0; found.length < first; offset += page) {
      const ids = await backend.alertIds(partition, filter.since, offset, page);
      for (const alert of await backend.alertsByIds(ids)) if (alert && alertMatches(alert, filter)) found.push(alert);
      if (ids.length < page) break;
    }
    return found;
  }

  /**
   * Takes up to `count` entries over the partitions: each wave asks as many partitions as entries are missing (a
   * share each), starting at a rotating one; a partition that gives less than its share is done.
   */
  async function collectOutbox(take: (partition: number, count: number) => Promise<OutboxEntry[]>, count: number) {
    const start = rotation++ % partitions;
    let open = all.map((i) => (start + i) % partitions);
    const entries: OutboxEntry[] = [];
    while (entries.length < count && open.length > 0) {
      const asked = open.slice(0, count - entries.length);
      const wanted = shares(count - entries.length, asked.length);
      const pages = await Promise.all(asked.map((p, i) => take(p, wanted[i] as number)));
      const more = asked.filter((_, i) => (pages[i] as OutboxEntry[]).length === wanted[i]);
      open = [...open.slice(asked.length), ...more];
      for (const page of pages) entries.push(...page);
    }
    return entries;
  }

  const outbox: ArchiveOutbox = {
    async read(consumer, count) {
      await ready();
      return collectOutbox((p, n) => backend.outboxRead(p, consumer, n), count);
    },
    async acknowledge(handles) {
      await ready();
      const byPartition = new Map<number, StreamId[]>();
      for (const handle of handles) {
        const parsed = parseOutboxHandle(handle, partitions);
        if (parsed) byPartition.set(parsed.partition, [...(byPartition.get(parsed.partition) ?? []), parsed.id]);
      }
      const counts = await Promise.all(
        [...byPartition].map(([partition, ids]) => backend.outboxAcknowledge(partition, ids)),
      );
      return counts.reduce((sum, n) => sum + n, 0);
    },
    async claimStale(consumer, minIdleMs, count) {
      await ready();
      // One partition after the other, each once: a claimed entry is idle again at once when minIdleMs is 0.
      const start = rotation++ % partitions;
      const entries: OutboxEntry[] = [];
      for (const i of all) {
        if (entries.length >= count) break;
        entries.push(
          ...(await backend.outboxClaimStale((start + i) % partitions, consumer, minIdleMs, count - entries.length)),
        );
      }
      return entries;
    },
    async lag() {
      await ready();
      const lags = await Promise.all(all.map((p) => backend.outboxLag(p)));
      const oldest = lags.map((l) => l.oldestAt).filter((at): at is number => at !== null);
      return {
        unacknowledged: lags.reduce((sum, l) => sum + l.unacknowledged, 0),
        pending: lags.reduce((sum, l) => sum + l.pending, 0),
        oldestAt: oldest.length === 0 ? null : Math.min(...oldest),
      };
    },
  };

  const store: TwinStore = {
    prefix: config.prefix,
    partitions,
    hotWindowMs: config.hotWindowMs,
    channels: config.channels,
    outbox,
    ready,

    async monitor(entity) {
      await ready();
      return backend.monitor(entity);
    },

    async commitReading(commit) {
      return (await store.commitReadings([commit]))[0] as ReadingCommitOutcome;
    },

    async commitReadings(commits) {
      await ready();
      const groups = new Map<number, number[]>();
      for (const [i, commit] of commits.entries()) {
        const p = partitionOfEntity(commit.entity);
        const group = groups.get(p);
        if (group) group.push(i);
        else groups.set(p, [i]);
      }
      const outcomes = new Array<ReadingCommitOutcome>(commits.length);
      await Promise.all(
        [...groups].map(async ([p, indexes]) => {
          const results = await backend.commitReadings(
            p,
            indexes.map((i) => commits[i] as (typeof commits)[number]),
          );
          for (const [j, i] of indexes.entries()) outcomes[i] = results[j] as ReadingCommitOutcome;
        }),
      );
      return outcomes;
    },

    async commitTick(commit) {
      await ready();
      return backend.commitTick(partitionOfEntity(commit.entity), commit);
    },

    async claimDueChecks(now, limit, leaseMs) {
      await ready();
      const candidates = (await Promise.all(all.map((p) => backend.dueCandidates(p, now, limit))))
        .flat()
        .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, limit)
        .map(([key]) => key);
      const byPartition = new Map<number, string[]>();
      for (const key of candidates) {
        const p = partitionOf(key, partitions);
        byPartition.set(p, [...(byPartition.get(p) ?? []), key]);
      }
      const claimed = new Set(
        (await Promise.all([...byPartition].map(([p, keys]) => backend.claimDue(p, keys, now, now + leaseMs)))).flat(),
      );
      return candidates.filter((key) => claimed.has(key)).map(parseEntityKey);
    },

    async recordRejection(rejection, payload) {
      await ready();
      return backend.recordRejection({ ...rejection, ...truncatePayload(payload) });
    },

    async live(entity) {
      await ready();
      return (await backend.liveMany([entity]))[0] ?? null;
    },

    async liveMany(entities) {
      await ready();
      return entities.length === 0 ? [] : backend.liveMany(entities);
    },

    async liveEntities(limit = 1000) {
      await ready();
      return (await Promise.all(all.map((p) => backend.liveIndex(p, limit))))
        .flat()
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, limit)
        .map(([key]) => parseEntityKey(key));
    },

    async readings(entity, query = {}) {
      await ready();
      return backend.readings(entity, query);
    },

    async checkpointBefore(entity, before) {
      await ready();
      return backend.checkpointBefore(entity, before);
    },

    async countReadings(entity, ranges) {
      await ready();
      return ranges.length === 0 ? [] : backend.countReadings(entity, ranges);
    },

    async alert(id) {
      await ready();
      if (entityKeyOfAlert(id) === null) return null;
      return (await backend.alertsByIds([id]))[0] ?? null;
    },

    async alerts(filter = {}, first = 100) {
      await ready();
      if (filter.codes) return alertsOfEntities(filter, first);
      const found = await Promise.all(all.map((p) => alertsOfPartition(p, filter, first)));
      return found.flat().sort(newestFirst).slice(0, first);
    },

    async alertEvents(id) {
      await ready();
      return entityKeyOfAlert(id) === null ? [] : backend.alertEvents(id);
    },

    async restoreAlert(id, log) {
      await ready();
      const key = entityKeyOfAlert(id);
      if (key === null || log.length === 0) return false;
      if (log.some((event) => event.alertId !== id))
        throw new Error(`restoreAlert(${id}): a transition of another alert`);
      const owner = log[0] as AlertEventRecord;
      const record = foldAlertEvents(log).get(id);
      const alert = record ? { ...record, entityType: owner.entityType, code: owner.code } : null;
      return backend.restoreAlert(partitionOf(key, partitions), id, alert, log);
    },

    async acknowledgeAlert(id, ack) {
      await ready();
      const key = entityKeyOfAlert(id);
      if (key === null) return { status: 'not_found' };
      return backend.acknowledgeAlert(partitionOf(key, partitions), id, ack);
    },

    async ingestStats(): Promise<IngestStats> {
      await ready();
      const [rejected, ...stats] = await Promise.all([backend.rejected(), ...all.map((p) => backend.stats(p))]);
      const total: IngestStats = { accepted: 0, duplicates: 0, rejected: rejected as number, late: 0, unregistered: 0 };
      for (const s of stats as Awaited<ReturnType<StoreBackend['stats']>>[]) {
        total.accepted += s.accepted;
        total.duplicates += s.duplicates;
        total.late += s.late;
        total.unregistered += s.unregistered;
      }
      return total;
    },

    async deadLetters(first = 100) {
      await ready();
      return backend.deadLetters(first);
    },

    async unregistered(page) {
      await ready();
      // Most recently seen first, ties by entity key descending, so a page boundary between equal times is stable.
      const newestFirst = (await Promise.all(all.map((p) => backend.unregistered(p))))
        .flat()
        .map((seen) => ({ seen, key: entityKey(seen) }))
        .sort((a, b) => b.seen.lastSeenAt - a.seen.lastSeenAt || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
      const after = page?.after;
      const afterKey = after ? entityKey(after) : '';
      const rest = after
        ? newestFirst.filter(
            ({ seen, key }) =>
              seen.lastSeenAt < after.lastSeenAt || (seen.lastSeenAt === after.lastSeenAt && key < afterKey),
          )
        : newestFirst;
      return rest.slice(0, page?.first ?? rest.length).map(({ seen }) => seen);
    },

    async alertStreamCursor() {
      await ready();
      return encodeAlertCursor(await currentPositions(backend, partitions));
    },

    async alertEventsAfter(cursor, filter = {}, limit = 500): Promise<AlertEventPage> {
      await ready();
      const positions = await positionsAfter(backend, partitions, cursor);
      const events: AlertEventPage['events'] = [];
      if (limit <= 0) return { events, cursor: encodeAlertCursor(positions), more: true };
      for await (const entry of readAlertStream(backend, positions, Math.min(limit, 200))) {
        if (!alertEventMatches(entry.event, entry.alert, filter)) continue;
        events.push({ cursor: encodeAlertCursor(positions), event: entry.event, alert: entry.alert });
        if (events.length >= limit) return { events, cursor: encodeAlertCursor(positions), more: true };
      }
      return { events, cursor: encodeAlertCursor(positions), more: false };
    },

    async followAlertEvents(options = {}) {
      await ready();
      return followAlertEvents(backend, partitions, options);
    },

    async cachedCatalog() {
      await ready();
      return backend.cachedCatalog();
    },

    async cacheCatalog(catalog, ttlSeconds) {
      await ready();
      return backend.cacheCatalog(catalog, ttlSeconds);
    },

    async subscribeAlertEvents(listener) {
      await ready();
      return backend.subscribeAlertStream((entry) => listener(entry.event));
    },

    async subscribeLiveState(listener) {
      await ready();
      return backend.subscribeLiveState(listener);
    },

    ping() {
      return backend.ping();
    },

    async clear() {
      await backend.clear();
      checked = null;
    },

    close() {
      return backend.close();
    },
  };
  return store;
}
