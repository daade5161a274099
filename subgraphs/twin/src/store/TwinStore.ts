import type { Alert, AlertEvent, AlertKind, AlertState, MonitorState, Severity, StorageProfile } from '@bst/coldchain';

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
}

/** An alert record with the entity it belongs to; `id` is `{entityKey}:{engine alert id}`. */
export interface StoredAlert extends Alert, EntityRef {}

/** One lifecycle transition of an alert, as stored in its log and published on the alert channel. */
export interface AlertEventRecord extends AlertEvent, EntityRef {}

/** The engine's state for one entity and the version that guards compare-and-set (0 = never written). */
export interface MonitorRecord {
  state: MonitorState | null;
  version: number;
}

export interface MonitorUpdate {
  expectedVersion: number;
  state: MonitorState;
  events: AlertEventRecord[];
  /** When the scheduler should next tick this entity (epoch ms); null = not until the next reading. */
  nextCheckAt: number | null;
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

export interface HistoryRetention {
  /** Readings kept per entity (oldest dropped first). */
  maxReadings: number;
  /** On each write, readings older than this before the written one (event time) are dropped; null = by count only. */
  maxAgeMs: number | null;
}

export interface TwinStoreOptions {
  /** Every key and channel starts with `{prefix}:`; tests use a unique one. */
  prefix?: string;
  retention?: Partial<HistoryRetention>;
  /** Dead letters kept (newest first). */
  maxDeadLetters?: number;
}

export const defaultStoreOptions = {
  prefix: 'bst:twin',
  retention: { maxReadings: 10_000, maxAgeMs: 90 * 24 * 3600_000 } satisfies HistoryRetention,
  maxDeadLetters: 10_000,
  deadLetterPayloadChars: 1024,
} as const;

/**
 * The twin's storage: live state, history, engine state, alerts, counters, dead letters, catalog cache, the
 * scheduler's due set and pub/sub. Two adapters (redis/, memory/) pass one contract suite with the same semantics.
 */
export interface TwinStore {
  readonly prefix: string;
  /** Pub/sub channel names (JSON messages: AlertEventRecord on `alertEvents`, LiveState on `liveState`). */
  readonly channels: { alertEvents: string; liveState: string };

  monitor(entity: EntityRef): Promise<MonitorRecord>;
  /**
   * Stores one reading atomically: de-duplicates by (entity, event time), adds it to history, compare-and-sets the
   * engine state, moves live state forward only, records alert transitions, counts, schedules the next check and
   * publishes the events. Nothing is written on `duplicate` or `conflict`.
   */
  commitReading(commit: ReadingCommit): Promise<ReadingCommitOutcome>;
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
  /** History within the range, oldest first. */
  readings(entity: EntityRef, query?: ReadingQuery): Promise<TwinReading[]>;
  alert(id: string): Promise<StoredAlert | null>;
  /** Newest first (by startedAt). */
  alerts(filter?: AlertFilter, first?: number): Promise<StoredAlert[]>;
  /** The alert's transitions in order. */
  alertEvents(id: string): Promise<AlertEventRecord[]>;
  /** Acknowledges once: a second acknowledgement is a conflict, an unknown id not_found. Publishes the event. */
  acknowledgeAlert(id: string, ack: { by: string; note?: string | null; at: number }): Promise<AcknowledgeOutcome>;
  ingestStats(): Promise<IngestStats>;
  /** Newest first. */
  deadLetters(first?: number): Promise<DeadLetter[]>;
  /** Most recently seen first (ties by entity key, descending); all of them, or one page. */
  unregistered(page?: UnregisteredPage): Promise<UnregisteredEntity[]>;

  cachedCatalog(): Promise<MonitoringCatalog | null>;
  cacheCatalog(catalog: MonitoringCatalog, ttlSeconds: number): Promise<void>;

  subscribeAlertEvents(listener: (event: AlertEventRecord) => void): Promise<Unsubscribe>;
  subscribeLiveState(listener: (live: LiveState) => void): Promise<Unsubscribe>;

  /** Deletes everything under the prefix (tests, demo reset). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
