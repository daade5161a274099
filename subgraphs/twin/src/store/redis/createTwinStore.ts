import { Redis } from 'ioredis';
import { alertMatches } from '../alertMatches.ts';
import { alertState } from '../alertRecord.ts';
import { entityKey, parseEntityKey, storeKeys } from '../keys.ts';
import {
  type AlertEventRecord,
  type AlertFilter,
  type DeadLetter,
  defaultStoreOptions,
  type IngestStats,
  type LiveState,
  type MonitoringCatalog,
  type MonitorRecord,
  type ReadingCommit,
  type ReadingCommitOutcome,
  type StoredAlert,
  type TickCommit,
  type TickCommitOutcome,
  type TwinReading,
  type TwinStore,
  type TwinStoreOptions,
} from '../TwinStore.ts';
import { truncatePayload } from '../truncatePayload.ts';
import { createRedisPubSub } from './pubsub.ts';
import { acknowledgeLua, claimDueLua, commitReadingLua, commitTickLua } from './scripts.ts';

interface ScriptCommands {
  twinCommitReading(...args: string[]): Promise<string[]>;
  twinCommitTick(...args: string[]): Promise<string[]>;
  twinClaimDue(...args: string[]): Promise<string[]>;
  twinAcknowledge(...args: string[]): Promise<string[]>;
}

export interface RedisTwinStoreOptions extends TwinStoreOptions {
  /** A connection URL, or a client the caller owns (it is not closed by `close()`). */
  redis: string | Redis;
}

function alertEventArgs(event: AlertEventRecord): string[] {
  const peak = event.transition === 'RAISED' ? (event.peakValue ?? event.value) : event.peakValue;
  return [
    event.alertId,
    event.transition,
    event.entityType,
    event.code,
    event.kind,
    event.severity,
    String(event.startedAt),
    String(event.at),
    event.message,
    peak === undefined ? '' : String(peak),
    event.endedAt === undefined || event.endedAt === null ? '' : String(event.endedAt),
    JSON.stringify(event),
  ];
}

function monitorFrom(version: string | undefined, state: string | undefined): MonitorRecord {
  return { version: Number(version ?? 0), state: state ? JSON.parse(state) : null };
}

function numberOrNull(value: string | undefined): number | null {
  return value === undefined ? null : Number(value);
}

function alertFromHash(hash: Record<string, string>): StoredAlert | null {
  if (!hash.id) return null;
  const endedAt = numberOrNull(hash.endedAt);
  const acknowledgedAt = numberOrNull(hash.acknowledgedAt);
  return {
    id: hash.id,
    entityType: hash.entityType === 'SAMPLE' ? 'SAMPLE' : 'CONTAINER',
    code: hash.code ?? '',
    kind: hash.kind as StoredAlert['kind'],
    severity: hash.severity as StoredAlert['severity'],
    state: alertState(endedAt, acknowledgedAt),
    startedAt: Number(hash.startedAt),
    endedAt,
    acknowledgedAt,
    acknowledgedBy: hash.acknowledgedBy ?? null,
    note: hash.note ?? null,
    peakValue: numberOrNull(hash.peakValue),
    message: hash.message ?? '',
  };
}

/** The production store: every write path is one Lua script (one round trip, atomic across bridge instances). */
export function createRedisTwinStore(options: RedisTwinStoreOptions): TwinStore {
  const ownsClient = typeof options.redis === 'string';
  // Auto-pipelining: commits from several lanes in the same tick share one write and one round trip.
  const redis =
    typeof options.redis === 'string' ? new Redis(options.redis, { enableAutoPipelining: true }) : options.redis;
  const prefix = options.prefix ?? defaultStoreOptions.prefix;
  const retention = { ...defaultStoreOptions.retention, ...options.retention };
  const maxDeadLetters = options.maxDeadLetters ?? defaultStoreOptions.maxDeadLetters;
  const keys = storeKeys(prefix);
  const pubsub = createRedisPubSub(redis);
  redis.defineCommand('twinCommitReading', { numberOfKeys: 9, lua: commitReadingLua });
  redis.defineCommand('twinCommitTick', { numberOfKeys: 2, lua: commitTickLua });
  redis.defineCommand('twinClaimDue', { numberOfKeys: 1, lua: claimDueLua });
  redis.defineCommand('twinAcknowledge', { numberOfKeys: 2, lua: acknowledgeLua });
  const scripts = redis as unknown as ScriptCommands;

  async function alertsByIds(ids: string[]): Promise<StoredAlert[]> {
    if (ids.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.alert(id));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([, hash]) => alertFromHash(hash as Record<string, string>)).filter((a) => a !== null);
  }

  return {
    prefix,
    channels: { alertEvents: keys.alertChannel, liveState: keys.liveChannel },

    async monitor(entity) {
      const [version, state] = await redis.hmget(keys.monitor(entity), 'version', 'state');
      return monitorFrom(version ?? undefined, state ?? undefined);
    },

    async commitReading(commit: ReadingCommit): Promise<ReadingCommitOutcome> {
      const { entity, reading, monitor } = commit;
      const events = monitor?.events ?? [];
      const result = await scripts.twinCommitReading(
        keys.readings(entity),
        keys.monitor(entity),
        keys.live(entity),
        keys.liveIndex,
        keys.stats,
        keys.due,
        keys.unregistered,
        keys.unregisteredReadings,
        keys.unregisteredFirstSeen,
        prefix,
        entityKey(entity),
        String(reading.at),
        JSON.stringify(reading),
        JSON.stringify(commit.live),
        commit.live.registered ? '1' : '0',
        monitor ? '1' : '0',
        String(monitor?.expectedVersion ?? 0),
        monitor ? JSON.stringify(monitor.state) : '',
        monitor?.nextCheckAt == null ? '' : String(monitor.nextCheckAt),
        String(retention.maxReadings),
        retention.maxAgeMs === null ? '' : String(reading.at - retention.maxAgeMs),
        keys.liveChannel,
        keys.alertChannel,
        String(reading.receivedAt),
        String(events.length),
        ...events.flatMap(alertEventArgs),
      );
      if (result[0] === 'duplicate') return { status: 'duplicate' };
      if (result[0] === 'conflict') return { status: 'conflict', current: monitorFrom(result[1], result[2]) };
      return { status: 'stored', late: result[1] === '1' };
    },

    async commitTick(commit: TickCommit): Promise<TickCommitOutcome> {
      const result = await scripts.twinCommitTick(
        keys.monitor(commit.entity),
        keys.due,
        prefix,
        entityKey(commit.entity),
        String(commit.expectedVersion),
        JSON.stringify(commit.state),
        commit.nextCheckAt === null ? '' : String(commit.nextCheckAt),
        keys.alertChannel,
        String(commit.events.length),
        ...commit.events.flatMap(alertEventArgs),
      );
      if (result[0] === 'conflict') return { status: 'conflict', current: monitorFrom(result[1], result[2]) };
      return { status: 'stored' };
    },

    async claimDueChecks(now, limit, leaseMs) {
      const claimed = await scripts.twinClaimDue(keys.due, String(now), String(limit), String(now + leaseMs));
      return claimed.map(parseEntityKey);
    },

    async recordRejection(rejection, payload) {
      const deadLetter: DeadLetter = { ...rejection, ...truncatePayload(payload) };
      await redis
        .multi()
        .hincrby(keys.stats, 'rejected', 1)
        .lpush(keys.deadLetters, JSON.stringify(deadLetter))
        .ltrim(keys.deadLetters, 0, maxDeadLetters - 1)
        .exec();
    },

    async live(entity) {
      const state = await redis.hget(keys.live(entity), 'state');
      return state ? (JSON.parse(state) as LiveState) : null;
    },

    async liveMany(entities) {
      if (entities.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const entity of entities) pipeline.hget(keys.live(entity), 'state');
      const results = (await pipeline.exec()) ?? [];
      return results.map(([, state]) => (typeof state === 'string' ? (JSON.parse(state) as LiveState) : null));
    },

    async liveEntities(limit = 1000) {
      return (await redis.zrevrange(keys.liveIndex, 0, limit - 1)).map(parseEntityKey);
    },

    async readings(entity, query = {}) {
      const min = query.since ?? '-inf';
      const max = query.until ?? '+inf';
      const members =
        query.last === undefined
          ? await redis.zrangebyscore(keys.readings(entity), min, max)
          : (await redis.zrevrangebyscore(keys.readings(entity), max, min, 'LIMIT', 0, query.last)).reverse();
      return members.map((m) => JSON.parse(m) as TwinReading);
    },

    async alert(id) {
      return alertFromHash(await redis.hgetall(keys.alert(id)));
    },

    async alerts(filter: AlertFilter = {}, first = 100) {
      if (filter.codes) {
        const types = filter.entityType ? [filter.entityType] : (['CONTAINER', 'SAMPLE'] as const);
        const pipeline = redis.pipeline();
        for (const code of filter.codes)
          for (const entityType of types) pipeline.zrange(keys.entityAlerts({ entityType, code }), 0, -1);
        const ids = ((await pipeline.exec()) ?? []).flatMap(([, members]) => members as string[]);
        const matching = (await alertsByIds(ids)).filter((a) => alertMatches(a, filter));
        return matching.sort((a, b) => b.startedAt - a.startedAt || b.id.localeCompare(a.id)).slice(0, first);
      }
      const found: StoredAlert[] = [];
      const page = 500;
      for (let offset = 0; found.length < first; offset += page) {
        const ids = await redis.zrevrangebyscore(keys.alerts, '+inf', filter.since ?? '-inf', 'LIMIT', offset, page);
        for (const alert of await alertsByIds(ids)) if (alertMatches(alert, filter)) found.push(alert);
        if (ids.length < page) break;
      }
      return found.slice(0, first);
    },

    async alertEvents(id) {
      return (await redis.lrange(keys.alertLog(id), 0, -1)).map((e) => JSON.parse(e) as AlertEventRecord);
    },

    async acknowledgeAlert(id, ack) {
      const hasNote = ack.note !== undefined && ack.note !== null;
      const result = await scripts.twinAcknowledge(
        keys.alert(id),
        keys.alertLog(id),
        String(ack.at),
        ack.by,
        hasNote ? String(ack.note) : '',
        hasNote ? '1' : '0',
        keys.alertChannel,
      );
      if (result[0] === 'not_found') return { status: 'not_found' };
      const alert = alertFromHash(await redis.hgetall(keys.alert(id)));
      if (!alert) return { status: 'not_found' };
      if (result[0] === 'conflict') return { status: 'conflict', alert };
      return { status: 'acknowledged', alert, event: JSON.parse(result[1] ?? '{}') as AlertEventRecord };
    },

    async ingestStats(): Promise<IngestStats> {
      const stats = await redis.hgetall(keys.stats);
      return {
        accepted: Number(stats.accepted ?? 0),
        duplicates: Number(stats.duplicates ?? 0),
        rejected: Number(stats.rejected ?? 0),
        late: Number(stats.late ?? 0),
        unregistered: Number(stats.unregistered ?? 0),
      };
    },

    async deadLetters(first = 100) {
      return (await redis.lrange(keys.deadLetters, 0, first - 1)).map((d) => JSON.parse(d) as DeadLetter);
    },

    async unregistered(page) {
      let members: string[];
      if (!page) members = await redis.zrevrange(keys.unregistered, 0, -1, 'WITHSCORES');
      else if (!page.after) members = await redis.zrevrange(keys.unregistered, 0, page.first - 1, 'WITHSCORES');
      else {
        const seenAt = page.after.lastSeenAt;
        const afterKey = entityKey(page.after);
        const [ties, older] = await Promise.all([
          redis.zrangebyscore(keys.unregistered, seenAt, seenAt),
          redis.zrevrangebyscore(keys.unregistered, `(${seenAt}`, '-inf', 'WITHSCORES', 'LIMIT', 0, page.first),
        ]);
        // Equal scores come back in key order: the ones before `after` in descending order are this page's start.
        const rest = ties
          .filter((key) => key < afterKey)
          .reverse()
          .flatMap((key) => [key, String(seenAt)]);
        members = [...rest, ...older].slice(0, page.first * 2);
      }
      const entityKeys = members.filter((_, i) => i % 2 === 0);
      if (entityKeys.length === 0) return [];
      const [counts, firstSeen] = await Promise.all([
        redis.hmget(keys.unregisteredReadings, ...entityKeys),
        redis.hmget(keys.unregisteredFirstSeen, ...entityKeys),
      ]);
      return entityKeys.map((key, i) => ({
        ...parseEntityKey(key),
        lastSeenAt: Number(members[i * 2 + 1]),
        firstSeenAt: Number(firstSeen[i] ?? 0),
        readings: Number(counts[i] ?? 0),
      }));
    },

    async cachedCatalog() {
      const cached = await redis.get(keys.catalog);
      return cached ? (JSON.parse(cached) as MonitoringCatalog) : null;
    },

    async cacheCatalog(catalog, ttlSeconds) {
      await redis.set(keys.catalog, JSON.stringify(catalog), 'EX', Math.max(1, Math.round(ttlSeconds)));
    },

    subscribeAlertEvents(listener) {
      return pubsub.subscribe<AlertEventRecord>(keys.alertChannel, listener);
    },

    subscribeLiveState(listener) {
      return pubsub.subscribe<LiveState>(keys.liveChannel, listener);
    },

    async clear() {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (found.length > 0) await redis.unlink(...found);
      } while (cursor !== '0');
    },

    async close() {
      await pubsub.close();
      if (ownsClient) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
