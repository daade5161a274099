import {
  alertMessage,
  alertState,
  CHECKPOINT_INTERVAL_MS,
  type Checkpoint,
  type HorizonReading,
  type MonitorState,
} from '@bst/coldchain';
import { Cluster } from 'ioredis';
import type { StreamId } from '../alertCursor.ts';
import { createPartitionedStore } from '../createPartitionedStore.ts';
import { entityKey, entityKeyOfAlert, parseEntityKey, storeKeys } from '../keys.ts';
import { outboxHandle } from '../outboxHandle.ts';
import { resolveStoreOptions } from '../resolveStoreOptions.ts';
import type { AlertStreamEntry, StoreBackend } from '../StoreBackend.ts';
import { streamIdTime } from '../streamIds.ts';
import type {
  AlertEventRecord,
  DeadLetter,
  EntityRef,
  LiveState,
  MonitoringCatalog,
  MonitorRecord,
  MonitorUpdate,
  OutboxEntry,
  ReadingCommit,
  ReadingCommitOutcome,
  StoredAlert,
  TwinReading,
  TwinStore,
  TwinStoreOptions,
} from '../TwinStore.ts';
import { connectRedis, type RedisClient, type RedisConnectionSettings, type RedisTarget } from './connectRedis.ts';
import { encodedScript } from './encodedScript.ts';
import { failFast } from './failFast.ts';
import { horizonChanges } from './horizonChanges.ts';
import { createRedisPubSub } from './pubsub.ts';
import {
  acknowledgeLua,
  acknowledgeOutboxLua,
  claimDueLua,
  commitReadingsLua,
  commitTickLua,
  ensureOutboxGroupLua,
  readMonitorLua,
  restoreAlertLua,
} from './scripts.ts';

interface ScriptCommands {
  twinCommitTick(...args: string[]): Promise<CommitReply>;
  twinReadMonitor(...args: string[]): Promise<MonitorReply>;
  twinAcknowledge(...args: string[]): Promise<string[]>;
  twinClaimDue(...args: string[]): Promise<string[]>;
  twinAcknowledgeOutbox(...args: string[]): Promise<number>;
  twinEnsureOutboxGroup(...args: string[]): Promise<number>;
  twinRestoreAlert(...args: string[]): Promise<number>;
}

export interface RedisTwinStoreOptions extends TwinStoreOptions {
  /** A URL, a target (URL or cluster nodes) the store connects to, or a client the caller owns (not closed by `close()`). */
  redis: string | RedisTarget | RedisClient;
  /** Command timeout and reconnect backoff of the connections the store opens (not of a client passed in). */
  connection?: RedisConnectionSettings;
}

type StreamEntry = [id: string, fields: string[]];
/** `{'stored'}` or `{'conflict', …MonitorReply}`. */
type CommitReply = [status: string, ...rest: MonitorReply];
type CommitReadingsReply = [outcomes: string, ...conflicts: (string | string[])[]];

const archiveGroup = 'archive';

function alertEventArgs(event: AlertEventRecord): string[] {
  const hasNote = event.note !== undefined && event.note !== null;
  return [
    event.alertId,
    event.transition,
    event.kind,
    event.severity,
    String(event.startedAt),
    String(event.at),
    event.endedAt === undefined ? '' : event.endedAt === null ? 'null' : String(event.endedAt),
    event.peakValue === undefined ? '' : String(event.peakValue),
    event.by ?? '',
    hasNote ? String(event.note) : '',
    hasNote ? '1' : '0',
    JSON.stringify(event),
  ];
}

/** The state as stored in its hash: everything but the reorder horizon, which has its own sorted set. */
function stateWithoutHorizon(state: MonitorState): string {
  const { horizon: _, ...rest } = state;
  return JSON.stringify(rest);
}

const horizonMember = (entry: HorizonReading) => JSON.stringify(entry);

/**
 * The horizon's change counts (`replace|removed|added`), and the arguments that follow a commit's other variable parts:
 * removed members, then added score/member pairs.
 */
function horizonArgs(from: MonitorUpdate['from'], to: MonitorState): { counts: string; members: string[] } {
  const { replace, removed, added } = horizonChanges(from, to);
  const members = removed.map(horizonMember);
  for (const entry of added) members.push(String(entry[0]), horizonMember(entry));
  return { counts: `${replace ? '1' : '0'}|${removed.length}|${added.length}`, members };
}

/**
 * How much of a monitored commit `commitReadingsLua` is sent (the `hasMonitor` field): `full` ('1'), or, inside a
 * chain (one entity's commits in a row, each on the version the one before it stores), `head` ('3') and `link` ('2'),
 * which leave out the engine state, due time and horizon changes (only the chain's last commit, always `full`, is
 * stored with them, its horizon changed from the head's `from`) and the live state unless theirs is the chain's newest
 * reading. A head carries its chain's event times instead.
 */
type Elision =
  | { kind: 'full'; horizonFrom?: MonitorUpdate['from'] }
  | { kind: 'head'; chainAts: string; live: boolean }
  | { kind: 'link'; live: boolean };

const full: Elision = Object.freeze({ kind: 'full' });
const noHorizonChange = { counts: '0|0|0', members: [] as string[] };
const linkWithLive: Elision = Object.freeze({ kind: 'link', live: true });
const linkWithoutLive: Elision = Object.freeze({ kind: 'link', live: false });

/** Whether `commits[end]` continues the chain from `start`: the same entity, on the version the one before stores, a new time. */
function continuesChain(commits: readonly ReadingCommit[], start: number, end: number): boolean {
  const previous = commits[end - 1] as ReadingCommit;
  const next = commits[end] as ReadingCommit;
  if (
    previous.monitor === undefined ||
    next.monitor === undefined ||
    next.monitor.expectedVersion !== previous.monitor.expectedVersion + 1 ||
    next.entity.code !== previous.entity.code ||
    next.entity.entityType !== previous.entity.entityType
  ) {
    return false;
  }
  for (let i = start; i < end; i++) if ((commits[i] as ReadingCommit).reading.at === next.reading.at) return false;
  return true;
}

/** Each commit's elision: chains of two or more monitored commits send their engine state once, with the last. */
function elisionsOf(commits: readonly ReadingCommit[]): Elision[] {
  const elisions = new Array<Elision>(commits.length).fill(full);
  let start = 0;
  while (start < commits.length) {
    let end = start + 1;
    while (end < commits.length && continuesChain(commits, start, end)) end++;
    if (end - start > 1) {
      const first = commits[start] as ReadingCommit;
      let newest = first.reading.at;
      let chainAts = String(newest);
      for (let i = start + 1; i < end; i++) {
        const { at } = (commits[i] as ReadingCommit).reading;
        if (at > newest) newest = at;
        chainAts += `,${at}`;
      }
      elisions[start] = { kind: 'head', chainAts, live: first.reading.at === newest };
      elisions[end - 1] = { kind: 'full', horizonFrom: first.monitor?.from };
      for (let i = start + 1; i < end - 1; i++) {
        elisions[i] = (commits[i] as ReadingCommit).reading.at === newest ? linkWithLive : linkWithoutLive;
      }
    }
    start = end;
  }
  return elisions;
}

/** One commit's arguments of `commitReadingsLua`: its fixed fields packed in one header, then the variable parts. */
function readingCommitArgs(args: string[], { entity, reading, live, monitor }: ReadingCommit, elision: Elision): void {
  const registered = live.registered ? '1' : '0';
  if (!monitor) {
    args.push(
      `${reading.at}|${reading.receivedAt}|${registered}|0|0||0|0|0|0|0|${entity.entityType}|${entity.code}`,
      JSON.stringify(reading),
      JSON.stringify(live),
    );
    return;
  }
  const elided = elision.kind !== 'full';
  const { counts, members } = elided
    ? noHorizonChange
    : horizonArgs('horizonFrom' in elision ? elision.horizonFrom : monitor.from, monitor.state);
  const checkpoints = monitor.checkpoints ?? [];
  const nextCheckAt = elided ? '' : (monitor.nextCheckAt ?? '');
  const hasMonitor = elision.kind === 'full' ? '1' : elision.kind === 'head' ? '3' : '2';
  args.push(
    `${reading.at}|${reading.receivedAt}|${registered}|${hasMonitor}|${monitor.expectedVersion}|${nextCheckAt}|` +
      `${monitor.events.length}|${checkpoints.length}|${counts}|${entity.entityType}|${entity.code}`,
    JSON.stringify(reading),
    elided && !elision.live ? '' : JSON.stringify(live),
    elision.kind === 'full' ? stateWithoutHorizon(monitor.state) : elision.kind === 'head' ? elision.chainAts : '',
  );
  for (const event of monitor.events) args.push(...alertEventArgs(event));
  for (const c of checkpoints) {
    args.push(String(Math.floor(c.at / CHECKPOINT_INTERVAL_MS) * CHECKPOINT_INTERVAL_MS), JSON.stringify(c));
  }
  for (const member of members) args.push(member);
}

const stored: ReadingCommitOutcome = Object.freeze({ status: 'stored', late: false });
const storedLate: ReadingCommitOutcome = Object.freeze({ status: 'stored', late: true });
const duplicate: ReadingCommitOutcome = Object.freeze({ status: 'duplicate' });

/**
 * `commitReadingsLua`'s reply: one letter per commit, then each conflict's record (four items) in commit order. A chain
 * the script left untouched for want of its engine states (`r`) gets no outcome here: its indexes go to `resend`.
 */
function commitOutcomes(reply: CommitReadingsReply, resend: number[]): ReadingCommitOutcome[] {
  const [letters] = reply;
  const outcomes = new Array<ReadingCommitOutcome>(letters.length);
  let next = 1;
  for (let i = 0; i < letters.length; i++) {
    const letter = letters[i];
    if (letter === 's') outcomes[i] = stored;
    else if (letter === 'r') resend.push(i);
    else if (letter === 'l') outcomes[i] = storedLate;
    else if (letter === 'd') outcomes[i] = duplicate;
    else {
      outcomes[i] = { status: 'conflict', current: monitorFrom(reply.slice(next, next + 4) as MonitorReply) };
      next += 4;
    }
  }
  return outcomes;
}

/**
 * An engine record as the scripts return it: version, state JSON, the hash's `horizon` field ('zset': the horizon is
 * kept apart, in `members`; else inside the state JSON, as written before).
 */
function monitorFrom([version, state, horizon, members]: MonitorReply): MonitorRecord {
  if (!state) return { version: Number(version ?? 0), state: null };
  const parsed = JSON.parse(state) as MonitorState;
  if (horizon === 'zset') parsed.horizon = JSON.parse(`[${(members ?? []).join(',')}]`) as HorizonReading[];
  return { version: Number(version), state: parsed };
}

type MonitorReply = [version?: string, state?: string, horizon?: string, members?: string[]];

function numberOrNull(value: string | undefined): number | null {
  return value === undefined ? null : Number(value);
}

function fieldsOf(pairs: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) hash[pairs[i] as string] = pairs[i + 1] as string;
  return hash;
}

/** A record from its hash; message and state are derived from the fields, as `applyEventToAlert` derives them. */
function alertFromHash(hash: Record<string, string>): StoredAlert | null {
  if (!hash.id) return null;
  const endedAt = numberOrNull(hash.endedAt);
  const acknowledgedAt = numberOrNull(hash.acknowledgedAt);
  const kind = hash.kind as StoredAlert['kind'];
  const severity = hash.severity as StoredAlert['severity'];
  const peakValue = numberOrNull(hash.peakValue);
  return {
    id: hash.id,
    entityType: hash.entityType === 'SAMPLE' ? 'SAMPLE' : 'CONTAINER',
    code: hash.code ?? '',
    kind,
    severity,
    state: alertState(endedAt, acknowledgedAt),
    startedAt: Number(hash.startedAt),
    endedAt,
    acknowledgedAt,
    acknowledgedBy: hash.acknowledgedBy ?? null,
    note: hash.note ?? null,
    peakValue,
    message: alertMessage(kind, severity, peakValue),
  };
}

/** The hash `alertFromHash` reads (and the scripts write): a missing value is no field. */
function alertHashFields(alert: StoredAlert): string[] {
  const fields: [string, string | number | null][] = [
    ['id', alert.id],
    ['entityType', alert.entityType],
    ['code', alert.code],
    ['kind', alert.kind],
    ['severity', alert.severity],
    ['startedAt', alert.startedAt],
    ['endedAt', alert.endedAt],
    ['acknowledgedAt', alert.acknowledgedAt],
    ['acknowledgedBy', alert.acknowledgedBy],
    ['note', alert.note],
    ['peakValue', alert.peakValue],
  ];
  return fields.flatMap(([field, value]) => (value === null ? [] : [field, String(value)]));
}

/** HGETALL as the scripts encode it: a JSON array of field, value, … (cjson gives `{}` for an empty one). */
function alertFromEncoded(encoded: unknown): StoredAlert | null {
  return Array.isArray(encoded) ? alertFromHash(fieldsOf(encoded as string[])) : null;
}

function outboxEntry(partition: number, [id, pairs]: StreamEntry): OutboxEntry {
  const fields = fieldsOf(pairs);
  const handle = outboxHandle(partition, id);
  if (fields.k === 'r') {
    return {
      handle,
      kind: 'reading',
      entity: parseEntityKey(fields.e ?? ''),
      reading: JSON.parse(fields.r ?? '{}') as TwinReading,
    };
  }
  if (fields.k === 'c') {
    return {
      handle,
      kind: 'checkpoint',
      entity: parseEntityKey(fields.e ?? ''),
      version: Number(fields.v),
      checkpoint: JSON.parse(fields.c ?? '{}') as Checkpoint,
    };
  }
  return {
    handle,
    kind: 'alert-event',
    alertId: fields.i ?? '',
    position: Number(fields.n),
    event: JSON.parse(fields.e ?? '{}') as AlertEventRecord,
  };
}

function isNoGroup(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOGROUP');
}

/**
 * The production store on one Redis or a Redis Cluster: every write is one Lua script on one partition (one slot),
 * one round trip; a group commit runs one script per partition, all in parallel.
 */
export function createRedisTwinStore(options: RedisTwinStoreOptions): TwinStore {
  const {
    prefix,
    partitions,
    retention,
    alertStream: streamRetention,
    endedAlerts,
    maxDeadLetters,
    ...resolved
  } = resolveStoreOptions(options);
  const outbox = resolved.outbox ? '1' : '0';
  const target = options.redis;
  const owned = typeof target === 'string' || 'url' in target || 'clusterNodes' in target;
  const redis: RedisClient =
    typeof target === 'string'
      ? connectRedis({ url: target }, options.connection)
      : 'url' in target || 'clusterNodes' in target
        ? connectRedis(target, options.connection)
        : target;
  // A lost connection is reported by the commands that fail and by ping() (readiness), not as an unhandled event.
  if (owned) redis.on('error', () => {});
  const keys = storeKeys(prefix, partitions);
  const pubsub = createRedisPubSub(redis);
  const commitReadingsScript = encodedScript(redis, commitReadingsLua);
  redis.defineCommand('twinCommitTick', { numberOfKeys: 1, lua: commitTickLua });
  redis.defineCommand('twinReadMonitor', { numberOfKeys: 1, lua: readMonitorLua });
  redis.defineCommand('twinAcknowledge', { numberOfKeys: 1, lua: acknowledgeLua });
  redis.defineCommand('twinClaimDue', { numberOfKeys: 1, lua: claimDueLua });
  redis.defineCommand('twinAcknowledgeOutbox', { numberOfKeys: 1, lua: acknowledgeOutboxLua });
  redis.defineCommand('twinEnsureOutboxGroup', { numberOfKeys: 1, lua: ensureOutboxGroupLua });
  redis.defineCommand('twinRestoreAlert', { numberOfKeys: 1, lua: restoreAlertLua });
  const scripts = redis as unknown as ScriptCommands;
  const partitionKeys = (p: number) => keys.partitions[p] as (typeof keys.partitions)[number];
  const streamArgs = (p: number) => [
    partitionKeys(p).base,
    String(p),
    keys.alertChannel,
    outbox,
    String(streamRetention.maxAgeMs),
    String(streamRetention.maxLength),
    String(endedAlerts.keepMs),
  ];
  const groups = new Set<number>();
  const ofAlert = (id: string) => keys.ofEntity(entityKeyOfAlert(id) ?? '');

  async function withGroup<T>(p: number, run: () => Promise<T>): Promise<T> {
    if (!groups.has(p)) {
      await scripts.twinEnsureOutboxGroup(partitionKeys(p).outbox, archiveGroup);
      groups.add(p);
    }
    try {
      return await run();
    } catch (error) {
      if (!isNoGroup(error)) throw error;
      groups.delete(p);
      return withGroup(p, run);
    }
  }

  async function alertsByIds(ids: string[]): Promise<(StoredAlert | null)[]> {
    return Promise.all(ids.map(async (id) => alertFromHash(await redis.hgetall(ofAlert(id).alert(id)))));
  }

  async function scanDelete(node: RedisClient, cluster: boolean): Promise<void> {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (found.length === 0) continue;
      // On a cluster node a multi-key command must stay in one slot: delete key by key.
      if (cluster) await Promise.all(found.map((key) => node.unlink(key)));
      else await node.unlink(...found);
    } while (cursor !== '0');
  }

  const backend: StoreBackend = {
    async recordPartitions(count) {
      await redis.hsetnx(keys.meta, 'partitions', String(count));
      return Number(await redis.hget(keys.meta, 'partitions'));
    },

    async commitReadings(p, commits) {
      const send = async (sent: readonly ReadingCommit[], elisions: readonly Elision[], resend: number[]) => {
        const args = [
          partitionKeys(p).base,
          String(p),
          keys.liveChannel,
          keys.alertChannel,
          String(retention.maxReadings),
          String(retention.maxAgeMs),
          outbox,
          String(streamRetention.maxAgeMs),
          String(streamRetention.maxLength),
          String(endedAlerts.keepMs),
          String(sent.length),
        ];
        for (let i = 0; i < sent.length; i++) readingCommitArgs(args, sent[i] as ReadingCommit, elisions[i] as Elision);
        return commitOutcomes(
          (await commitReadingsScript(partitionKeys(p).stats, args)) as CommitReadingsReply,
          resend,
        );
      };
      const resend: number[] = [];
      const outcomes = await send(commits, elisionsOf(commits), resend);
      if (resend.length === 0) return outcomes;
      // A chain one of whose readings may already be stored: sent again whole, each commit with its engine state.
      const again = resend.map((i) => commits[i] as ReadingCommit);
      const resent = await send(
        again,
        again.map(() => full),
        [],
      );
      for (const [j, i] of resend.entries()) outcomes[i] = resent[j] as ReadingCommitOutcome;
      return outcomes;
    },

    async commitTick(p, commit) {
      const horizon = horizonArgs(commit.from, commit.state);
      const result = await scripts.twinCommitTick(
        partitionKeys(p).stats,
        ...streamArgs(p),
        entityKey(commit.entity),
        commit.entity.entityType,
        commit.entity.code,
        String(commit.expectedVersion),
        stateWithoutHorizon(commit.state),
        commit.nextCheckAt === null ? '' : String(commit.nextCheckAt),
        String(commit.events.length),
        ...horizon.counts.split('|'),
        ...commit.events.flatMap(alertEventArgs),
        ...horizon.members,
      );
      if (result[0] === 'conflict')
        return { status: 'conflict', current: monitorFrom(result.slice(1) as MonitorReply) };
      return { status: 'stored' };
    },

    async acknowledgeAlert(p, id, ack) {
      const hasNote = ack.note !== undefined && ack.note !== null;
      const result = await scripts.twinAcknowledge(
        partitionKeys(p).stats,
        ...streamArgs(p),
        id,
        String(ack.at),
        ack.by,
        hasNote ? String(ack.note) : '',
        hasNote ? '1' : '0',
      );
      if (result[0] === 'not_found') return { status: 'not_found' };
      if (result[0] === 'conflict') {
        const alert = alertFromEncoded(JSON.parse(result[1] ?? '[]'));
        return alert ? { status: 'conflict', alert } : { status: 'not_found' };
      }
      const alert = alertFromEncoded(JSON.parse(result[2] ?? '[]')) as StoredAlert;
      return { status: 'acknowledged', alert, event: JSON.parse(result[1] ?? '{}') as AlertEventRecord };
    },

    async dueCandidates(p, now, limit) {
      const members = await redis.zrangebyscore(partitionKeys(p).due, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
      const due: [string, number][] = [];
      for (let i = 0; i + 1 < members.length; i += 2) due.push([members[i] as string, Number(members[i + 1])]);
      return due;
    },

    claimDue(p, entityKeys, now, leaseUntil) {
      return scripts.twinClaimDue(partitionKeys(p).due, String(now), String(leaseUntil), ...entityKeys);
    },

    async recordRejection(deadLetter: DeadLetter) {
      await redis
        .multi()
        .incr(keys.rejected)
        .lpush(keys.deadLetters, JSON.stringify(deadLetter))
        .ltrim(keys.deadLetters, 0, maxDeadLetters - 1)
        .exec();
    },

    async monitor(entity) {
      const key = entityKey(entity);
      const partition = keys.ofEntity(key);
      return monitorFrom(await scripts.twinReadMonitor(partition.monitor(key), partition.base, key));
    },

    liveMany(entities: EntityRef[]) {
      return Promise.all(
        entities.map(async (entity) => {
          const key = entityKey(entity);
          const state = await redis.hget(keys.ofEntity(key).live(key), 'state');
          return state ? (JSON.parse(state) as LiveState) : null;
        }),
      );
    },

    async liveIndex(p, limit) {
      const members = await redis.zrevrange(partitionKeys(p).liveIndex, 0, limit - 1, 'WITHSCORES');
      const index: [string, number][] = [];
      for (let i = 0; i + 1 < members.length; i += 2) index.push([members[i] as string, Number(members[i + 1])]);
      return index;
    },

    async readings(entity, query) {
      const key = entityKey(entity);
      const readingsKey = keys.ofEntity(key).readings(key);
      const min = query.since ?? '-inf';
      const max = query.until ?? '+inf';
      const members =
        query.last !== undefined
          ? (await redis.zrevrangebyscore(readingsKey, max, min, 'LIMIT', 0, query.last)).reverse()
          : query.first !== undefined
            ? await redis.zrangebyscore(readingsKey, min, max, 'LIMIT', 0, query.first)
            : await redis.zrangebyscore(readingsKey, min, max);
      return members.map((m) => JSON.parse(m) as TwinReading);
    },
    async countReadings(entity, ranges) {
      const key = entityKey(entity);
      const readingsKey = keys.ofEntity(key).readings(key);
      // One command per range, pipelined by the client into one round trip.
      return Promise.all(ranges.map(({ after, before }) => redis.zcount(readingsKey, `(${after}`, `(${before}`)));
    },
    async checkpointBefore(entity, before) {
      const key = entityKey(entity);
      // Scored by hour: the hour holding `before` may have its checkpoint after it, the one before cannot.
      const found = await redis.zrevrangebyscore(
        keys.ofEntity(key).checkpoints(key),
        `(${before}`,
        '-inf',
        'LIMIT',
        0,
        2,
      );
      const checkpoint = found.map((json) => JSON.parse(json) as Checkpoint).find((c) => c.at < before);
      return checkpoint ?? null;
    },

    alertsByIds,

    alertIds(p, since, offset, count) {
      return redis.zrevrangebyscore(partitionKeys(p).alerts, '+inf', since ?? '-inf', 'LIMIT', offset, count);
    },

    entityAlertIds(entity) {
      const key = entityKey(entity);
      return redis.zrange(keys.ofEntity(key).entityAlerts(key), 0, -1);
    },

    async alertEvents(id) {
      const log = await redis.lrange(ofAlert(id).alertLog(id), 0, -1);
      return log.map((e) => JSON.parse(e) as AlertEventRecord);
    },

    async restoreAlert(p, id, alert, log) {
      const fields = alert ? alertHashFields(alert) : [];
      const restored = await scripts.twinRestoreAlert(
        partitionKeys(p).stats,
        partitionKeys(p).base,
        id,
        entityKeyOfAlert(id) ?? '',
        String(fields.length / 2),
        ...fields,
        ...log.map((event) => JSON.stringify(event)),
      );
      return restored === 1;
    },

    async stats(p) {
      const stats = await redis.hgetall(partitionKeys(p).stats);
      return {
        accepted: Number(stats.accepted ?? 0),
        duplicates: Number(stats.duplicates ?? 0),
        late: Number(stats.late ?? 0),
        unregistered: Number(stats.unregistered ?? 0),
      };
    },

    async rejected() {
      return Number((await redis.get(keys.rejected)) ?? 0);
    },

    async deadLetters(first) {
      return (await redis.lrange(keys.deadLetters, 0, first - 1)).map((d) => JSON.parse(d) as DeadLetter);
    },

    async unregistered(p) {
      const partition = partitionKeys(p);
      const members = await redis.zrevrange(partition.unregistered, 0, -1, 'WITHSCORES');
      const entityKeys = members.filter((_, i) => i % 2 === 0);
      if (entityKeys.length === 0) return [];
      const [counts, firstSeen] = await Promise.all([
        redis.hmget(partition.unregisteredReadings, ...entityKeys),
        redis.hmget(partition.unregisteredFirstSeen, ...entityKeys),
      ]);
      return entityKeys.map((key, i) => ({
        ...parseEntityKey(key),
        lastSeenAt: Number(members[i * 2 + 1]),
        firstSeenAt: Number(firstSeen[i] ?? 0),
        readings: Number(counts[i] ?? 0),
      }));
    },

    async alertStreamRange(p, after, count) {
      const entries = (await redis.xrange(
        partitionKeys(p).alertStream,
        `(${after}`,
        '+',
        'COUNT',
        count,
      )) as StreamEntry[];
      return entries.map(([id, pairs]): AlertStreamEntry => {
        const fields = fieldsOf(pairs);
        return {
          partition: p,
          id,
          prev: fields.p ?? '0-0',
          event: JSON.parse(fields.e ?? '{}') as AlertEventRecord,
          alert: alertFromEncoded(JSON.parse(fields.a ?? '{}')),
        };
      });
    },

    async alertStreamPosition(p) {
      const [last, trimmed] = await redis.hmget(partitionKeys(p).alertStreamMeta, 'last', 'trimmed');
      return { last: (last ?? '0-0') as StreamId, trimmed: (trimmed ?? '0-0') as StreamId };
    },

    subscribeAlertStream(listener) {
      return pubsub.subscribe<{ partition: number; id: string; prev: string; event: AlertEventRecord; alert: unknown }>(
        keys.alertChannel,
        (message) => listener({ ...message, alert: alertFromEncoded(message.alert) }),
      );
    },

    subscribeLiveState(listener) {
      return pubsub.subscribe<LiveState>(keys.liveChannel, listener);
    },

    outboxRead(p, consumer, count) {
      return withGroup(p, async () => {
        const result = (await redis.xreadgroup(
          'GROUP',
          archiveGroup,
          consumer,
          'COUNT',
          count,
          'STREAMS',
          partitionKeys(p).outbox,
          '>',
        )) as [string, StreamEntry[]][] | null;
        return (result?.[0]?.[1] ?? []).map((entry) => outboxEntry(p, entry));
      });
    },

    outboxAcknowledge(p, ids) {
      return withGroup(p, () => scripts.twinAcknowledgeOutbox(partitionKeys(p).outbox, archiveGroup, ...ids));
    },

    outboxClaimStale(p, consumer, minIdleMs, count) {
      return withGroup(p, async () => {
        const claimed: OutboxEntry[] = [];
        let start = '0-0';
        do {
          const [next, entries] = (await redis.xautoclaim(
            partitionKeys(p).outbox,
            archiveGroup,
            consumer,
            minIdleMs,
            start,
            'COUNT',
            count - claimed.length,
          )) as [string, StreamEntry[]];
          claimed.push(...entries.map((entry) => outboxEntry(p, entry)));
          start = next;
        } while (start !== '0-0' && claimed.length < count);
        return claimed;
      });
    },

    async outboxLag(p) {
      const key = partitionKeys(p).outbox;
      const [length, summary, first] = await Promise.all([
        redis.xlen(key),
        (redis.xpending(key, archiveGroup) as Promise<[number, ...unknown[]]>).catch((error: unknown) => {
          if (isNoGroup(error) || (error instanceof Error && error.message.includes('no such key'))) return [0];
          throw error;
        }),
        redis.xrange(key, '-', '+', 'COUNT', 1) as Promise<StreamEntry[]>,
      ]);
      const oldest = first[0];
      return {
        unacknowledged: length,
        pending: Number(summary[0] ?? 0),
        oldestAt: oldest ? streamIdTime(oldest[0]) : null,
      };
    },

    async cachedCatalog() {
      const cached = await redis.get(keys.catalog);
      return cached ? (JSON.parse(cached) as MonitoringCatalog) : null;
    },

    async cacheCatalog(catalog, ttlSeconds) {
      await redis.set(keys.catalog, JSON.stringify(catalog), 'EX', Math.max(1, Math.round(ttlSeconds)));
    },

    async ping() {
      // Both connections: a subscriber can be cut or frozen while commands still go through.
      await Promise.all([redis.ping(), pubsub.pingSubscriber()]);
    },

    async clear() {
      if (redis instanceof Cluster) await Promise.all(redis.nodes('master').map((node) => scanDelete(node, true)));
      else await scanDelete(redis, false);
      groups.clear();
    },

    async close() {
      await pubsub.close();
      if (owned) await redis.quit().catch(() => redis.disconnect());
    },
  };

  return createPartitionedStore(failFast(backend, redis), {
    prefix,
    partitions,
    hotWindowMs: retention.maxAgeMs,
    channels: { alertEvents: keys.alertChannel, liveState: keys.liveChannel },
  });
}
