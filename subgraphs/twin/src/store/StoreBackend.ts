import type { Checkpoint } from '@bst/coldchain';
import type { StreamId } from './alertCursor.ts';
import type {
  AcknowledgeOutcome,
  AlertEventRecord,
  DeadLetter,
  EntityRef,
  IngestStats,
  LiveState,
  MonitoringCatalog,
  MonitorRecord,
  OutboxEntry,
  OutboxLag,
  ReadingCommit,
  ReadingCommitOutcome,
  ReadingQuery,
  StoredAlert,
  TickCommit,
  TickCommitOutcome,
  TwinReading,
  UnregisteredEntity,
  Unsubscribe,
} from './TwinStore.ts';

/** One alert stream entry: a transition, where it sits in its partition's stream and the record it left. */
export interface AlertStreamEntry {
  partition: number;
  id: StreamId;
  /** The id of the partition's previous entry ('0-0' for the first): a follower that has not seen it missed some. */
  prev: StreamId;
  event: AlertEventRecord;
  alert: StoredAlert | null;
}

export interface AlertStreamPosition {
  /** The last id the partition generated. */
  last: StreamId;
  /** The newest id trimmed away ('0-0' = none yet): a cursor before it has a gap. */
  trimmed: StreamId;
}

export type PartitionStats = Omit<IngestStats, 'rejected'>;

/**
 * The port each adapter implements: atomic writes to one partition and the reads the store fans out and merges.
 * `createPartitionedStore` builds the TwinStore on it, so both adapters share every cross-partition rule.
 */
export interface StoreBackend {
  /** Records `partitions` when the store has no count yet; returns the recorded count. */
  recordPartitions(partitions: number): Promise<number>;

  commitReadings(partition: number, commits: ReadingCommit[]): Promise<ReadingCommitOutcome[]>;
  commitTick(partition: number, commit: TickCommit): Promise<TickCommitOutcome>;
  acknowledgeAlert(
    partition: number,
    id: string,
    ack: { by: string; note?: string | null; at: number },
  ): Promise<AcknowledgeOutcome>;
  /** Entity keys due by `now` (earliest first) with their due time; read only. */
  dueCandidates(partition: number, now: number, limit: number): Promise<[string, number][]>;
  /** Leases those of `keys` that are still due by `now` until `leaseUntil`; returns them. */
  claimDue(partition: number, keys: string[], now: number, leaseUntil: number): Promise<string[]>;
  recordRejection(deadLetter: DeadLetter): Promise<void>;

  monitor(entity: EntityRef): Promise<MonitorRecord>;
  liveMany(entities: EntityRef[]): Promise<(LiveState | null)[]>;
  /** Entity keys with live state, most recently received first, with the receive time. */
  liveIndex(partition: number, limit: number): Promise<[string, number][]>;
  readings(entity: EntityRef, query: ReadingQuery): Promise<TwinReading[]>;
  checkpointBefore(entity: EntityRef, before: number): Promise<Checkpoint | null>;
  countReadings(entity: EntityRef, ranges: { after: number; before: number }[]): Promise<number[]>;
  alertsByIds(ids: string[]): Promise<(StoredAlert | null)[]>;
  /** Alert ids of the partition by startedAt, newest first (ties: id descending), from `offset`. */
  alertIds(partition: number, since: number | undefined, offset: number, count: number): Promise<string[]>;
  entityAlertIds(entity: EntityRef): Promise<string[]>;
  alertEvents(id: string): Promise<AlertEventRecord[]>;
  /** Writes the record (null: none, a withdrawn alert) and the log unless the partition holds a log of `id`. */
  restoreAlert(partition: number, id: string, alert: StoredAlert | null, log: AlertEventRecord[]): Promise<boolean>;
  stats(partition: number): Promise<PartitionStats>;
  rejected(): Promise<number>;
  deadLetters(first: number): Promise<DeadLetter[]>;
  unregistered(partition: number): Promise<UnregisteredEntity[]>;

  /** Entries after `after` (exclusive), oldest first. */
  alertStreamRange(partition: number, after: StreamId, count: number): Promise<AlertStreamEntry[]>;
  alertStreamPosition(partition: number): Promise<AlertStreamPosition>;
  subscribeAlertStream(listener: (entry: AlertStreamEntry) => void): Promise<Unsubscribe>;
  subscribeLiveState(listener: (live: LiveState) => void): Promise<Unsubscribe>;

  outboxRead(partition: number, consumer: string, count: number): Promise<OutboxEntry[]>;
  outboxAcknowledge(partition: number, ids: StreamId[]): Promise<number>;
  outboxClaimStale(partition: number, consumer: string, minIdleMs: number, count: number): Promise<OutboxEntry[]>;
  outboxLag(partition: number): Promise<OutboxLag>;

  cachedCatalog(): Promise<MonitoringCatalog | null>;
  cacheCatalog(catalog: MonitoringCatalog, ttlSeconds: number): Promise<void>;

  /** Resolves when the backing service answers now, on every connection the store relies on (readiness). */
  ping(): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
}
