import type {
  Alert,
  AlertEvent,
  AlertKind,
  AlertState,
  Checkpoint,
  MonitorState,
  Severity,
  StorageProfile,
} from '@bst/coldchain';

export type EntityType = 'CONTAINER' | 'SAMPLE';

/** A monitored thing by its external id (BOX-0001, SAMPLE-0001), as devices and core name it. */
export interface EntityRef {
  entityType: EntityType;
  code: string;
}

/** A reading as the twin keeps it: event time and receive time in epoch ms; a missing value is null. */
export interface TwinReading {
  at: number;
  receivedAt: number;
  temperatureC: number | null;
  humidityPct: number | null;
  lat?: number;
  lng?: number;
  status?: string;
  seq?: number;
}

/** The latest known condition of one container or sample; `at` is the event time of the reading behind it. */
export interface LiveState extends EntityRef {
  at: number;
  receivedAt: number;
  temperatureC: number | null;
  humidityPct: number | null;
  lat: number | null;
  lng: number | null;
  status: string | null;
  /** False for codes core does not know (kept, surfaced as unregistered). */
  registered: boolean;
  /** The reading that made this state (`readingEventId`): the logs follow it from MQTT to the subscriber. */
  eventId?: string;
}

/** An alert record with the entity it belongs to; `id` is `{entityKey}:{engine alert id}`. */
export interface StoredAlert extends Alert, EntityRef {}

/** One lifecycle transition of an alert, as stored in its log and published on the alert channel. */
export interface AlertEventRecord extends AlertEvent, EntityRef {
  /** The reading that caused the transition (`readingEventId`); none for one the scheduler raised by time passing. */
  eventId?: string;
}

/** The engine's state for one entity and the version that guards compare-and-set (0 = never written). */
export interface MonitorRecord {
  state: MonitorState | null;
  version: number;
}

export interface MonitorUpdate {
  expectedVersion: number;
  state: MonitorState;
  /**
   * The state stored at `expectedVersion` that `state` was computed from, when the caller has it: an adapter may then
   * write only what changed (Redis: the reorder horizon's new and dropped readings instead of all of them). Omitted
   * or null, the state is written whole. It must be that version's state: the compare-and-set makes sure of it.
   */
  from?: MonitorState | null;
  events: AlertEventRecord[];
  /** When the scheduler should next tick this entity (epoch ms); null = not until the next reading. */
  nextCheckAt: number | null;
  /**
   * Engine checkpoints that come with this state (`applyReading`'s, or a replay's): each replaces the stored one of
   * its hour of event time (`CHECKPOINT_INTERVAL_MS`), is kept with the hot window and goes to the archive.
   */
  checkpoints?: Checkpoint[];
}

export interface ReadingCommit {
  entity: EntityRef;
  reading: TwinReading;
  /** Live state after this reading; only stored when newer than the stored one (never moves backwards). */
  live: LiveState;
  /** Absent for entities without a storage profile (unregistered or unbound): no engine state to guard. */
  monitor?: MonitorUpdate;
}

export type ReadingCommitOutcome =
  | { status: 'stored'; late: boolean }
  | { status: 'duplicate' }
  | { status: 'conflict'; current: MonitorRecord };

export interface TickCommit extends MonitorUpdate {
  entity: EntityRef;
}

export type TickCommitOutcome = { status: 'stored' } | { status: 'conflict'; current: MonitorRecord };

export interface ReadingQuery {
  since?: number;
  until?: number;
  /** Only the newest `last` readings of the range (still returned oldest first). */
  last?: number;
  /** Only the oldest `first` readings of the range (ignored with `last`). */
  first?: number;
}

export interface AlertFilter {
  entityType?: EntityType;
  codes?: string[];
  kinds?: AlertKind[];
  severities?: Severity[];
  states?: AlertState[];
  /** Alerts that started at or after this time (epoch ms). */
  since?: number;
}

export type AcknowledgeOutcome =
  | { status: 'acknowledged'; alert: StoredAlert; event: AlertEventRecord }
  | { status: 'not_found' }
  | { status: 'conflict'; alert: StoredAlert };

/**
 * accepted: readings stored in history (including late and unregistered ones); duplicates: redeliveries and
 * repeats that changed nothing; rejected: dead-lettered messages; late: stored readings older than the live state;
 * unregistered: stored readings for codes core does not know.
 */
export interface IngestStats {
  accepted: number;
  duplicates: number;
  rejected: number;
  late: number;
  unregistered: number;
}

export interface DeadLetter {
  /** Stable reason code: unknown_topic | oversize | bad_json | invalid_payload | future_time. */
  reason: string;
  /** Human-readable explanation (which field, which limit). */
  detail: string;
  topic: string;
  receivedAt: number;
  /** The payload as UTF-8, truncated to `deadLetterPayloadChars`. */
  payload: string;
  payloadBytes: number;
}

export interface UnregisteredEntity extends EntityRef {
  firstSeenAt: number;
  lastSeenAt: number;
  readings: number;
}

/** One page of unregistered codes, most recently seen first: `first` of them after the entry a previous page ended with. */
export interface UnregisteredPage {
  first: number;
  after?: EntityRef & { lastSeenAt: number };
}

export interface MonitoringBinding extends EntityRef {
  profileId: string | null;
}

/** What core says about profiles and which profile watches which container or sample (Query.monitoringCatalog). */
export interface MonitoringCatalog {
  version: string;
  profiles: StorageProfile[];
  bindings: MonitoringBinding[];
}

export type Unsubscribe = () => Promise<void>;

/** Redis holds a hot window of history; the archive (fed by the outbox) keeps everything. */
export interface HistoryRetention {
  /** The hot window: readings older than this before the entity's newest reading (event time) are dropped. */
  maxAgeMs: number;
  /** Safety cap on readings per entity (oldest dropped first), for a sensor that reports far faster than expected. */
  maxReadings: number;
}

/** How much of each partition's alert event stream is kept for clients resuming from a cursor. */
export interface AlertStreamRetention {
  /** Events older than this (commit time) are trimmed when the partition next records one. */
  maxAgeMs: number;
  /** Events kept per partition at most. */
  maxLength: number;
}

/**
 * How long the store keeps an alert after it ended (and a withdrawn alert's log): the archive keeps every alert for
 * good, Redis only the live and the recent ones.
 */
export interface EndedAlertRetention {
  /**
   * An ended alert leaves the store this long after its last transition, once the archive has it (its outbox entries
   * are acknowledged) and the engine can no longer change it without a replay (it ended at or before the entity's
   * `horizonAt`). A replay or an acknowledgement that needs it again restores it from the archive (`restoreAlert`).
   */
  keepMs: number;
}

export interface TwinStoreOptions {
  /** Every key and channel starts with `{prefix}:` (no braces: they would change Redis Cluster hash tags). */
  prefix?: string;
  /**
   * Entities are spread over this many partitions (stable hash of the entity key); each write touches one. Recorded in
   * the store on first use: opening it with another count fails with `PartitionCountMismatchError`.
   */
  partitions?: number;
  retention?: Partial<HistoryRetention>;
  alertStream?: Partial<AlertStreamRetention>;
  endedAlerts?: Partial<EndedAlertRetention>;
  /** Append every reading and alert transition to the archive outbox (default true); off only without an archive. */
  outbox?: boolean;
  /** Dead letters kept (newest first). */
  maxDeadLetters?: number;
}

export const defaultStoreOptions = {
  prefix: 'bst:twin',
  partitions: 16,
  retention: { maxAgeMs: 72 * 3600_000, maxReadings: 100_000 } satisfies HistoryRetention,
  alertStream: { maxAgeMs: 7 * 24 * 3600_000, maxLength: 100_000 } satisfies AlertStreamRetention,
  endedAlerts: { keepMs: 72 * 3600_000 } satisfies EndedAlertRetention,
  outbox: true,
  maxDeadLetters: 10_000,
  deadLetterPayloadChars: 1024,
} as const;

/** One alert transition as the stream delivers it: where to resume after it, and the alert record it left. */
export interface CursoredAlertEvent {
  /** Opaque; pass it as `after` to get exactly the events after this one. */
  cursor: string;
  event: AlertEventRecord;
  /** The record right after this transition; null when the transition left none (WITHDRAWN, or an unknown alert). */
  alert: StoredAlert | null;
}

export interface AlertEventPage {
  events: CursoredAlertEvent[];
  /** Where the next page starts (also past events the filter skipped). */
  cursor: string;
  /** True when the page stopped at `limit` and later events may follow. */
  more: boolean;
}

export interface FollowAlertEventsOptions {
  /** Resume after this cursor; omitted = only events committed from now on. */
  after?: string;
  filter?: AlertFilter;
  /** Live events buffered for a slow consumer before it falls back to re-reading the stream (default 1000). */
  maxBuffered?: number;
}

/** An iterator that can be told to stop while it waits (GraphQL subscriptions call `return()`). */
export type AlertEventFollower = AsyncIterableIterator<CursoredAlertEvent> & {
  return(): Promise<IteratorReturnResult<undefined>>;
  /** The cursor after the last event handed out (or the starting point). */
  cursor(): string;
};

/** What the archive must keep; `handle` is what the archiver acknowledges. */
export type OutboxEntry =
  /** Idempotent on (entity, reading.at). */
  | { handle: string; kind: 'reading'; entity: EntityRef; reading: TwinReading }
  /** Idempotent on (alertId, position): the transition's 1-based position in the alert's log. */
  | { handle: string; kind: 'alert-event'; alertId: string; position: number; event: AlertEventRecord }
  /**
   * Keyed by (entity, hour of `checkpoint.at`); `version` is the engine state's version that came with it: a newer
   * version replaces an older one, never the reverse (archivers may store entries out of order).
   */
  | { handle: string; kind: 'checkpoint'; entity: EntityRef; version: number; checkpoint: Checkpoint };

export interface OutboxLag {
  /** Entries not yet acknowledged (delivered or not). */
  unacknowledged: number;
  /** Of those, delivered to an archiver and not yet acknowledged. */
  pending: number;
  /** When the oldest unacknowledged entry was appended (epoch ms, store clock); null when there is none. */
  oldestAt: number | null;
}

/**
 * The archive outbox: every reading and alert transition, appended by the same atomic write, read by archivers in one
 * consumer group. An entry stays until acknowledged; acknowledged entries are removed.
 */
export interface ArchiveOutbox {
  /** Up to `count` entries no archiver has been given yet; they are pending for `consumer` until acknowledged. */
  read(consumer: string, count: number): Promise<OutboxEntry[]>;
  /** After the archive committed them; returns how many were pending. Unknown handles are ignored. */
  acknowledge(handles: string[]): Promise<number>;
  /** Takes over up to `count` entries pending longer than `minIdleMs` (an archiver that died). */
  claimStale(consumer: string, minIdleMs: number, count: number): Promise<OutboxEntry[]>;
  lag(): Promise<OutboxLag>;
}

/**
 * The twin's storage: live state, history, engine state, alerts, counters, dead letters, catalog cache, the
 * scheduler's due set, the alert event stream, the archive outbox and pub/sub. Two adapters (redis/, memory/) pass one
 * contract suite with the same semantics.
 */
export interface TwinStore {
  readonly prefix: string;
  readonly partitions: number;
  /** How much history the store keeps by event time (`retention.maxAgeMs`): older readings live in the archive. */
  readonly hotWindowMs: number;
  /** Pub/sub channel names (JSON messages; see README). */
  readonly channels: { alertEvents: string; liveState: string };
  readonly outbox: ArchiveOutbox;

  /** Resolves once the store is usable (partition count checked); every method waits for it too. */
  ready(): Promise<void>;

  monitor(entity: EntityRef): Promise<MonitorRecord>;
  /**
   * Stores one reading atomically: de-duplicates by (entity, event time), adds it to history, compare-and-sets the
   * engine state, moves live state forward only, records alert transitions, counts, schedules the next check, appends
   * to the outbox and the alert stream and publishes. Nothing is written on `duplicate` or `conflict`.
   */
  commitReading(commit: ReadingCommit): Promise<ReadingCommitOutcome>;
  /**
   * Group commit: one outcome per commit, in order, as if each were passed to `commitReading` one after another,
   * with one rule more: once a commit that carries a `monitor` is not stored (conflict or duplicate), every later
   * commit of the same entity that carries a `monitor` is not written and returns `conflict` with the entity's current
   * record (its expected state followed from a state that was not stored). Other entities are never affected. One
   * script per partition, all partitions in parallel.
   */
  commitReadings(commits: ReadingCommit[]): Promise<ReadingCommitOutcome[]>;
  /** A scheduler tick: compare-and-set of the engine state with its alert transitions. */
  commitTick(commit: TickCommit): Promise<TickCommitOutcome>;
  /** Atomically claims up to `limit` entities whose check is due, leasing each for `leaseMs` so no other instance takes it. */
  claimDueChecks(now: number, limit: number, leaseMs: number): Promise<EntityRef[]>;
  /** Counts a rejected message and keeps it as a dead letter (payload truncated). */
  recordRejection(deadLetter: Omit<DeadLetter, 'payload' | 'payloadBytes'>, payload: Uint8Array): Promise<void>;

  live(entity: EntityRef): Promise<LiveState | null>;
  liveMany(entities: EntityRef[]): Promise<(LiveState | null)[]>;
  /** Entities with a live state, most recently updated first. */
  liveEntities(limit?: number): Promise<EntityRef[]>;
  /** History within the range and the hot window, oldest first. */
  readings(entity: EntityRef, query?: ReadingQuery): Promise<TwinReading[]>;
  /** How many readings the hot window holds strictly between `after` and `before` (event times), per range. */
  countReadings(entity: EntityRef, ranges: { after: number; before: number }[]): Promise<number[]>;
  /** The latest engine checkpoint kept in the hot window taken strictly before `before` (event time), or null. */
  checkpointBefore(entity: EntityRef, before: number): Promise<Checkpoint | null>;
  alert(id: string): Promise<StoredAlert | null>;
  /** Newest first (by startedAt). */
  alerts(filter?: AlertFilter, first?: number): Promise<StoredAlert[]>;
  /** The alert's transitions in order (kept after a withdrawal, until the alert leaves the store: `endedAlerts`). */
  alertEvents(id: string): Promise<AlertEventRecord[]>;
  /**
   * Puts an alert that left the store (`endedAlerts`) back from the archive: `log` is its every transition in order
   * (the archive's, by position); the record is their fold. Nothing is written when the store still holds a log of that
   * id (returns false), so the next transition continues the log where the archive's ends and is archived at the next
   * position. It leaves again like any ended alert.
   */
  restoreAlert(id: string, log: AlertEventRecord[]): Promise<boolean>;
  /** Acknowledges once: a second acknowledgement is a conflict, an unknown id not_found. Publishes the event. */
  acknowledgeAlert(id: string, ack: { by: string; note?: string | null; at: number }): Promise<AcknowledgeOutcome>;
  ingestStats(): Promise<IngestStats>;
  /** Newest first. */
  deadLetters(first?: number): Promise<DeadLetter[]>;
  /** Most recently seen first (ties by entity key, descending); all of them, or one page. */
  unregistered(page?: UnregisteredPage): Promise<UnregisteredEntity[]>;

  /** The cursor of "now": following from it gives only events committed later. */
  alertStreamCursor(): Promise<string>;
  /**
   * Alert transitions after `cursor`, oldest first (per alert and per entity in commit order), at most `limit`
   * (default 500). Throws `CursorExpiredError` when events after it were trimmed or the cursor is from another store,
   * `InvalidCursorError` when it is not a cursor.
   */
  alertEventsAfter(cursor: string, filter?: AlertFilter, limit?: number): Promise<AlertEventPage>;
  /**
   * Subscribes, then replays from `after`, then goes live: every later transition exactly once, in order, with its
   * cursor. Throws like `alertEventsAfter` before returning.
   */
  followAlertEvents(options?: FollowAlertEventsOptions): Promise<AlertEventFollower>;

  cachedCatalog(): Promise<MonitoringCatalog | null>;
  cacheCatalog(catalog: MonitoringCatalog, ttlSeconds: number): Promise<void>;

  subscribeAlertEvents(listener: (event: AlertEventRecord) => void): Promise<Unsubscribe>;
  subscribeLiveState(listener: (live: LiveState) => void): Promise<Unsubscribe>;

  /**
   * Resolves when the store answers now (Redis: a PING on the command connection and the pub/sub one up); throws
   * `ServiceUnavailableError` otherwise. What `/ready` asks.
   */
  ping(): Promise<void>;
  /** Deletes everything under the prefix (tests, demo reset). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
