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
  /** An escalation that came from time passing (a tick), which a replay of readings cannot rediscover. */
  escalatedByTick?: boolean;
}

/** The part of the state that is a pure function of the sorted readings. */
export interface Excursions {
  runs: Partial<Record<ExcursionKind, Run>>;
  /** Temperature excursion time of excursions already ended (ms), the cumulative budget's spent part. */
  closedBudgetMs: number;
  /** Excursions raised so far per kind: the last ordinal given out. */
  raised: Partial<Record<ExcursionKind, number>>;
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
  /** 2: alerts named by ordinal (v1 named them by start time). */
  v: 2;
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
  offline: OfflineAlert | null;
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

export type Accepted = 'applied' | 'duplicate' | 'late';

export interface ReadingOutcome {
  state: MonitorState;
  events: AlertEvent[];
  accepted: Accepted;
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
  /** Minutes of this excursion inside the window. */
  minutes: number;
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
  outOfRangeMinutes: number;
  unknownMinutes: number;
  excursionMinutes: number;
  excursions: Excursion[];
  excursionCount: number;
  minC: number | null;
  maxC: number | null;
  meanC: number | null;
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
