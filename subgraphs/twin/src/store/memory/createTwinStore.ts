import { alertMatches } from '../alertMatches.ts';
import { alertAfterEvent } from '../alertRecord.ts';
import { entityKey, parseEntityKey, storeKeys } from '../keys.ts';
import {
  type AlertEventRecord,
  type DeadLetter,
  defaultStoreOptions,
  type EntityRef,
  type LiveState,
  type MonitoringCatalog,
  type MonitorRecord,
  type MonitorUpdate,
  type StoredAlert,
  type TwinReading,
  type TwinStore,
  type TwinStoreOptions,
} from '../TwinStore.ts';
import { truncatePayload } from '../truncatePayload.ts';
import { createMemoryPubSub } from './pubsub.ts';

interface EntityRecord {
  /** Sorted by event time; one reading per event time. */
  readings: TwinReading[];
  live: LiveState | null;
  liveUpdatedAt: number;
  monitor: MonitorRecord;
}

/** The embedded store for `npm start`: the same semantics as the Redis adapter, held in this process. */
export function createMemoryTwinStore(options: TwinStoreOptions = {}): TwinStore {
  const prefix = options.prefix ?? defaultStoreOptions.prefix;
  const retention = { ...defaultStoreOptions.retention, ...options.retention };
  const maxDeadLetters = options.maxDeadLetters ?? defaultStoreOptions.maxDeadLetters;
  const keys = storeKeys(prefix);
  const pubsub = createMemoryPubSub();
  let entities = new Map<string, EntityRecord>();
  let alerts = new Map<string, StoredAlert>();
  // Kept apart from the records: a withdrawn alert loses its record, never its log.
  let alertLogs = new Map<string, AlertEventRecord[]>();
  let due = new Map<string, number>();
  let deadLetters: DeadLetter[] = [];
  let unregistered = new Map<string, { firstSeenAt: number; lastSeenAt: number; readings: number }>();
  let stats = { accepted: 0, duplicates: 0, rejected: 0, late: 0, unregistered: 0 };
  let catalog: { value: MonitoringCatalog; expiresAt: number } | null = null;

  function record(entity: EntityRef): EntityRecord {
    const key = entityKey(entity);
    let found = entities.get(key);
    if (!found) {
      found = { readings: [], live: null, liveUpdatedAt: 0, monitor: { state: null, version: 0 } };
      entities.set(key, found);
    }
    return found;
  }

  function insertReading(readings: TwinReading[], reading: TwinReading): void {
    let i = readings.length;
    while (i > 0 && (readings[i - 1] as TwinReading).at > reading.at) i--;
    readings.splice(i, 0, reading);
    if (readings.length > retention.maxReadings) readings.splice(0, readings.length - retention.maxReadings);
    if (retention.maxAgeMs !== null) {
      const cutoff = reading.at - retention.maxAgeMs;
      const keep = readings.findIndex((r) => r.at >= cutoff);
      if (keep > 0) readings.splice(0, keep);
    }
  }

  function applyMonitor(entity: EntityRef, target: EntityRecord, update: MonitorUpdate): void {
    target.monitor = { state: structuredClone(update.state), version: target.monitor.version + 1 };
    if (update.nextCheckAt === null) due.delete(entityKey(entity));
    else due.set(entityKey(entity), update.nextCheckAt);
    for (const event of update.events) {
      const existing = alerts.get(event.alertId);
      if (event.transition === 'RAISED' && existing) continue;
      if (event.transition === 'WITHDRAWN') alerts.delete(event.alertId);
      else if (existing || event.transition !== 'UPDATED') {
        alerts.set(event.alertId, alertAfterEvent(existing ?? null, event));
      }
      logOf(event.alertId).push(structuredClone(event));
      pubsub.publish(keys.alertChannel, JSON.stringify(event));
    }
  }

  function logOf(id: string): AlertEventRecord[] {
    let log = alertLogs.get(id);
    if (!log) {
      log = [];
      alertLogs.set(id, log);
    }
    return log;
  }

  function copyMonitor(monitor: MonitorRecord): MonitorRecord {
    return { state: monitor.state === null ? null : structuredClone(monitor.state), version: monitor.version };
  }

  return {
    prefix,
    channels: { alertEvents: keys.alertChannel, liveState: keys.liveChannel },

    async monitor(entity) {
      return copyMonitor(record(entity).monitor);
    },

    async commitReading({ entity, reading, live, monitor }) {
      const target = record(entity);
      if (target.readings.some((r) => r.at === reading.at)) {
        stats.duplicates++;
        return { status: 'duplicate' };
      }
      if (monitor && monitor.expectedVersion !== target.monitor.version) {
        return { status: 'conflict', current: copyMonitor(target.monitor) };
      }
      insertReading(target.readings, { ...reading });
      stats.accepted++;
      let late = false;
      if (target.live && target.live.at > reading.at) {
        late = true;
        stats.late++;
      } else if (!target.live || target.live.at < reading.at) {
        target.live = { ...live };
        target.liveUpdatedAt = reading.receivedAt;
        pubsub.publish(keys.liveChannel, JSON.stringify(live));
      }
      if (!live.registered) {
        stats.unregistered++;
        const key = entityKey(entity);
        const seen = unregistered.get(key) ?? { firstSeenAt: reading.receivedAt, lastSeenAt: 0, readings: 0 };
        seen.lastSeenAt = reading.receivedAt;
        seen.readings++;
        unregistered.set(key, seen);
      }
      if (monitor) applyMonitor(entity, target, monitor);
      return { status: 'stored', late };
    },

    async commitTick(commit) {
      const target = record(commit.entity);
      if (commit.expectedVersion !== target.monitor.version) {
        return { status: 'conflict', current: copyMonitor(target.monitor) };
      }
      applyMonitor(commit.entity, target, commit);
      return { status: 'stored' };
    },

    async claimDueChecks(now, limit, leaseMs) {
      const claimed = [...due.entries()]
        .filter(([, at]) => at <= now)
        .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([key]) => key);
      for (const key of claimed) due.set(key, now + leaseMs);
      return claimed.map(parseEntityKey);
    },

    async recordRejection(rejection, payload) {
      stats.rejected++;
      deadLetters.unshift({ ...rejection, ...truncatePayload(payload) });
      if (deadLetters.length > maxDeadLetters) deadLetters.length = maxDeadLetters;
    },

    async live(entity) {
      const live = entities.get(entityKey(entity))?.live;
      return live ? { ...live } : null;
    },

    async liveMany(refs) {
      return refs.map((entity) => {
        const live = entities.get(entityKey(entity))?.live;
        return live ? { ...live } : null;
      });
    },

    async liveEntities(limit = 1000) {
      return [...entities.entries()]
        .filter(([, r]) => r.live !== null)
        .sort((a, b) => b[1].liveUpdatedAt - a[1].liveUpdatedAt)
        .slice(0, limit)
        .map(([key]) => parseEntityKey(key));
    },

    async readings(entity, query = {}) {
      const all = entities.get(entityKey(entity))?.readings ?? [];
      const inRange = all.filter(
        (r) => (query.since === undefined || r.at >= query.since) && (query.until === undefined || r.at <= query.until),
      );
      const selected = query.last === undefined ? inRange : inRange.slice(Math.max(0, inRange.length - query.last));
      return selected.map((r) => ({ ...r }));
    },

    async alert(id) {
      const alert = alerts.get(id);
      return alert ? { ...alert } : null;
    },

    async alerts(filter = {}, first = 100) {
      return [...alerts.values()]
        .filter((a) => alertMatches(a, filter))
        .sort((a, b) => b.startedAt - a.startedAt || b.id.localeCompare(a.id))
        .slice(0, first)
        .map((a) => ({ ...a }));
    },

    async alertEvents(id) {
      return structuredClone(alertLogs.get(id) ?? []);
    },

    async acknowledgeAlert(id, ack) {
      const alert = alerts.get(id);
      if (!alert) return { status: 'not_found' };
      if (alert.acknowledgedAt !== null) return { status: 'conflict', alert: { ...alert } };
      const event: AlertEventRecord = {
        transition: 'ACKNOWLEDGED',
        alertId: id,
        entityType: alert.entityType,
        code: alert.code,
        kind: alert.kind,
        severity: alert.severity,
        startedAt: alert.startedAt,
        at: ack.at,
        message: alert.message,
        ...(alert.peakValue === null ? {} : { peakValue: alert.peakValue }),
        by: ack.by,
        note: ack.note ?? null,
      };
      const acknowledged = alertAfterEvent(alert, event);
      alerts.set(id, acknowledged);
      logOf(id).push(event);
      pubsub.publish(keys.alertChannel, JSON.stringify(event));
      return { status: 'acknowledged', alert: { ...acknowledged }, event: structuredClone(event) };
    },

    async ingestStats() {
      return { ...stats };
    },

    async deadLetters(first = 100) {
      return deadLetters.slice(0, first).map((d) => ({ ...d }));
    },

    async unregistered(page) {
      const newestFirst = [...unregistered.entries()].sort(
        (a, b) => b[1].lastSeenAt - a[1].lastSeenAt || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0),
      );
      const after = page?.after;
      const afterKey = after ? entityKey(after) : '';
      const rest = after
        ? newestFirst.filter(
            ([key, seen]) =>
              seen.lastSeenAt < after.lastSeenAt || (seen.lastSeenAt === after.lastSeenAt && key < afterKey),
          )
        : newestFirst;
      return rest.slice(0, page?.first ?? rest.length).map(([key, seen]) => ({ ...parseEntityKey(key), ...seen }));
    },

    async cachedCatalog() {
      if (!catalog || catalog.expiresAt <= Date.now()) return null;
      return structuredClone(catalog.value);
    },

    async cacheCatalog(value, ttlSeconds) {
      catalog = { value: structuredClone(value), expiresAt: Date.now() + Math.max(1, Math.round(ttlSeconds)) * 1000 };
    },

    subscribeAlertEvents(listener) {
      return pubsub.subscribe<AlertEventRecord>(keys.alertChannel, listener);
    },

    subscribeLiveState(listener) {
      return pubsub.subscribe<LiveState>(keys.liveChannel, listener);
    },

    async clear() {
      entities = new Map();
      alerts = new Map();
      alertLogs = new Map();
      due = new Map();
      deadLetters = [];
      unregistered = new Map();
      stats = { accepted: 0, duplicates: 0, rejected: 0, late: 0, unregistered: 0 };
      catalog = null;
    },

    async close() {
      await pubsub.close();
    },
  };
}
