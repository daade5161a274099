export type Metric = 'temperature' | 'humidity';

export type AlertKind = 'TEMPERATURE_HIGH' | 'TEMPERATURE_LOW' | 'HUMIDITY_HIGH' | 'HUMIDITY_LOW' | 'SENSOR_OFFLINE';
export type ExcursionKind = Exclude<AlertKind, 'SENSOR_OFFLINE'>;

export type Severity = 'INFO' | 'WARNING' | 'CRITICAL';

export type AlertState =
  | 'ACTIVE_UNACKNOWLEDGED'
  | 'ACTIVE_ACKNOWLEDGED'
  | 'CLEARED_UNACKNOWLEDGED'
  | 'CLEARED_ACKNOWLEDGED';

/**
 * UPDATED: a late reading corrected an announced alert (start, end, peak or severity); WITHDRAWN: a late reading shows
 * an announced excursion never was one (its record goes, its log stays).
 */
export type AlertTransition = 'RAISED' | 'ESCALATED' | 'ACKNOWLEDGED' | 'CLEARED' | 'UPDATED' | 'WITHDRAWN';

export type StorageKind = 'AMBIENT' | 'REFRIGERATED' | 'FROZEN' | 'ULTRA_LOW' | 'CRYOGENIC' | 'CUSTOM';

export interface StorageProfile {
  id: string;
  name: string;
  kind: StorageKind;
  minTempC: number | null;
  maxTempC: number | null;
  minHumidityPct: number | null;
  maxHumidityPct: number | null;
  excursionDelaySeconds: number;
  hysteresisC: number;
  hysteresisPct: number;
  maxExcursionMinutes: number;
  excursionBudgetMinutes: number;
  staleAfterSeconds: number;
}

/** One sensor reading; times are epoch milliseconds, `at` is the event time. */
export interface Reading {
  at: number;
  receivedAt?: number;
  temperatureC: number | null;
  humidityPct: number | null;
  lat?: number;
  lng?: number;
  status?: string;
}

/** An out-of-range run of one kind: pending until it has lasted the delay, then an excursion with an alert. */
export interface Run {
  kind: ExcursionKind;
  startedAt: number;
  lastAt: number;
  peakValue: number;
  /** null while pending (shorter than the delay); the alert's severity once raised. */
  severity: Severity | null;
  /** The how-many-th excursion of its kind for this entity (1, 2, ...), which names its alert; 0 while pending. */
  ordinal: number;
}

/** The part of the state that is a pure function of the sorted readings. */
export interface Excursions {
  runs: Partial<Record<ExcursionKind, Run>>;
  /** Temperature excursion time of excursions already ended (ms), the cumulative budget's spent part. */
  closedBudgetMs: number;
  /** Excursions raised so far per kind: the last ordinal given out. */
  raised: Partial<Record<ExcursionKind, number>>;
}

/**
 * The excursion state as of one event time: every reading at or before `at` folded in, nothing after. The adapter
 * persists the ones the engine emits and hands one back to replay a reading older than the reorder horizon.
 */
export interface Checkpoint {
  at: number;
  excursions: Excursions;
}

/** A reading as kept in the reorder horizon: [at, temperatureC, humidityPct]. */
export type HorizonReading = [number, number | null, number | null];

export interface OfflineAlert {
  alertId: string;
  startedAt: number;
}

export interface LiveValues {
  temperatureC: number | null;
  humidityPct: number | null;
  lat: number | null;
  lng: number | null;
  status: string | null;
}

/** Everything the engine knows about one monitored entity; small and JSON-serialisable (it lives in Redis). */
export interface MonitorState {
  /** 3: a clock for ticks and excursions bounded by their readings (v2 had neither; it is read as 3 with no tick yet). */
  v: 3;
  /** Event time of the latest reading (live state never moves behind it); null before the first. */
  latestAt: number | null;
  live: LiveValues;
  /** Excursion state after every reading known so far. */
  current: Excursions;
  /** Excursion state before the oldest reading still in `horizon`: a late reading inside the horizon is replayed from here. */
  base: Excursions;
  /** The most recent readings, oldest first, at most REORDER_HORIZON of them. */
  horizon: HorizonReading[];
  /** Event time of the newest reading folded into `base`; readings at or before it are too late to change alerting. */
  horizonAt: number | null;
  /** The open SENSOR_OFFLINE alert (silence after `latestAt` that a tick saw), cleared by the next newer reading. */
  offline: OfflineAlert | null;
  /** The latest time a tick let pass: open excursions are judged up to it, so a replay reaches the same severity. */
  clockAt: number | null;
}

export interface AlertEvent {
  transition: AlertTransition;
  alertId: string;
  kind: AlertKind;
  severity: Severity;
  /** Event time: the reading's event time, or the tick's time for SENSOR_OFFLINE and escalations by time passing. */
  at: number;
  startedAt: number;
  /** For UPDATED: the corrected end (null = still open). */
  endedAt?: number | null;
  /** The reading value that caused the transition, when there is one. */
  value?: number;
  peakValue?: number;
  message: string;
  /** For ACKNOWLEDGED. */
  by?: string;
  note?: string | null;
  /** A correction caused by a reading that arrived after newer ones (inside the horizon or replayed from the series). */
  late?: boolean;
}

export interface Alert {
  id: string;
  kind: AlertKind;
  severity: Severity;
  state: AlertState;
  startedAt: number;
  endedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  note: string | null;
  peakValue: number | null;
  message: string;
}

/**
 * applied: in event-time order; late: older than the latest reading, re-ordered inside the horizon; duplicate: an
 * event time already known; needs-replay: older than the horizon, nothing changed: call replayLateReadings.
 */
export type Accepted = 'applied' | 'duplicate' | 'late' | 'needs-replay';

export interface ReadingOutcome {
  state: MonitorState;
  events: AlertEvent[];
  accepted: Accepted;
  /** For needs-replay: pass replayLateReadings the latest checkpoint taken strictly before this event time. */
  replayBefore: number | null;
  /** Emitted when the horizon's base enters a new hour of event time: persist it for replays. */
  checkpoint: Checkpoint | null;
}

/** What replayLateReadings needs from the adapter's stored series. */
export interface LateReplay {
  /** The latest checkpoint strictly before the oldest late reading; null = from before the first reading. */
  checkpoint: Checkpoint | null;
  /** The readings the engine has already folded, after the checkpoint up to `latestAt`, sorted, one per event time. */
  series: readonly Reading[];
  /** The readings to fold in: older than `latestAt`, newer than the checkpoint, in any order. */
  late: readonly Reading[];
}

export interface ReplayOutcome {
  state: MonitorState;
  /** Corrections (RAISED, ESCALATED, CLEARED, UPDATED, WITHDRAWN), each marked `late`. */
  events: AlertEvent[];
  /** One per late reading, in the order given: 'late', or 'duplicate' for an event time already known. */
  accepted: ('late' | 'duplicate')[];
  /** Replace every stored checkpoint after the one passed in with these (they are now the series' checkpoints). */
  checkpoints: Checkpoint[];
  /** Readings stepped through to find the corrections (the series twice: before and after the late readings). */
  replayed: number;
}

export interface TickOutcome {
  state: MonitorState;
  events: AlertEvent[];
}

export interface Window {
  since: number;
  until: number;
}

export interface Excursion {
  metric: Metric;
  kind: ExcursionKind;
  startedAt: number;
  /** null while still open at the end of the data. */
  endedAt: number | null;
  peakValue: number;
  /** Minutes of this excursion inside the window: observed + unobserved (what maxExcursionMinutes and the budget judge). */
  minutes: number;
  /** Of those, the minutes a reading held (known to be in or out of range). */
  observedMinutes: number;
  /** Of those, the minutes no reading held (a gap inside the excursion): unknown time, never counted as observed. */
  unobservedMinutes: number;
}

export interface Compliance {
  since: number;
  until: number;
  /** Readings inside the window (after de-duplication by event time). */
  readings: number;
  /** The original's figure: % of readings with every metric in range, 2 decimals; a missing value is not in range; empty → 100. */
  inRangePct: number;
  /** % of the window known to be in range, each reading holding until the next for at most staleAfterSeconds; 2 decimals. */
  timeInRangePct: number;
  /** In range, out of range and unknown minutes partition the window (each rounded alone, so their sum is ±0.02). */
  inRangeMinutes: number;
  outOfRangeMinutes: number;
  unknownMinutes: number;
  /** Observed minutes inside any excursion (each minute once, however many excursions overlap it); never unknown time. */
  excursionMinutes: number;
  /** Unobserved minutes inside any excursion (gaps it spans): part of unknownMinutes, reported apart. */
  unobservedExcursionMinutes: number;
  excursions: Excursion[];
  excursionCount: number;
  minC: number | null;
  maxC: number | null;
  meanC: number | null;
  /** Temperature excursion minutes, observed and unobserved (conservative: a gap inside an excursion spends budget). */
  budgetUsedMinutes: number;
  budgetRemainingMinutes: number;
  mktC: number | null;
  mktUnavailableReason: string | null;
}

export interface CustodyInterval {
  containerCode: string;
  from: number;
  to: number | null;
}

export interface Hop {
  containerCode: string;
  from: number;
  to: number;
  readings: number;
  excursionMinutes: number;
  timeInRangePct: number;
}

export interface Exposure extends Compliance {
  /** Budget exhausted, an excursion longer than maxExcursionMinutes, or MKT above the profile's maximum. */
  atRisk: boolean;
  hops: Hop[];
}

export interface Acknowledgement {
  by: string;
  note?: string | null;
  at: number;
}

export interface AcknowledgeOutcome {
  alert: Alert;
  event: AlertEvent;
}
