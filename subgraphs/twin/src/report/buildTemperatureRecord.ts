import { createHash } from 'node:crypto';
import {
  accumulateTime,
  type Compliance,
  emptyTimeFigures,
  hourOf,
  type Reading,
  ROLLUP_INTERVAL_MS,
  type StorageProfile,
} from '@bst/coldchain';
import type { AlertEventRecord, StoredAlert, TwinReading } from '../store/index.ts';

export type RecordSubjectType = 'CONTAINER' | 'SAMPLE' | 'SHIPMENT';
export type RecordResolution = 'READINGS' | 'HOURLY';

/** One container over one stretch of the window: the container itself, a custody hop, a shipment's container. */
export interface RecordSection {
  containerCode: string;
  from: number;
  to: number;
  /** Sorted readings from staleAfterSeconds before `from` up to `to` (those before `from` only hold into it). */
  readings: readonly TwinReading[];
  /** The profile it is judged by: the subject's (a sample's), or the container's own (a shipment's containers). */
  profile: StorageProfile;
  /** Its figures over [from, to], judged by `profile`. */
  summary: Compliance;
  /** Alerts overlapping the stretch, each with every transition in order (acknowledgements and notes included). */
  alerts: { alert: StoredAlert; transitions: AlertEventRecord[] }[];
}

export interface RecordInput {
  subjectType: RecordSubjectType;
  subjectCode: string;
  since: number;
  until: number;
  resolution: RecordResolution;
  /** The subject's profile; null for a shipment (each container has its own). */
  profile: StorageProfile | null;
  /** The subject's own figures (a sample's exposure across its hops); null for a shipment (see each container). */
  summary: Compliance | null;
  sections: RecordSection[];
}

export interface TemperatureRecordText {
  json: string;
  jsonSha256: string;
  csv: string;
  csvSha256: string;
}

export const recordFormat = 'bst-temperature-record/1';
const MINUTE = 60_000;

/** SHA-256 (lowercase hex) of the UTF-8 bytes of `text`: what the record's digests are. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const iso = (at: number | null | undefined) => (at === null || at === undefined ? null : new Date(at).toISOString());
const round2 = (n: number) => Math.round(n * 100) / 100;

type Summary = ReturnType<typeof summaryOf>;

function summaryOf(figures: Compliance) {
  return {
    readings: figures.readings,
    timeInRangePct: figures.timeInRangePct,
    inRangeMinutes: figures.inRangeMinutes,
    outOfRangeMinutes: figures.outOfRangeMinutes,
    unknownMinutes: figures.unknownMinutes,
    excursionMinutes: figures.excursionMinutes,
    unobservedExcursionMinutes: figures.unobservedExcursionMinutes,
    excursionCount: figures.excursionCount,
    budgetUsedMinutes: figures.budgetUsedMinutes,
    budgetRemainingMinutes: figures.budgetRemainingMinutes,
    minC: figures.minC,
    maxC: figures.maxC,
    meanC: figures.meanC,
    mktC: figures.mktC,
  };
}

/** Each hour of the stretch (clipped to it), summarised from the raw readings by the same rules as compliance. */
function hoursOf(section: RecordSection, profile: StorageProfile) {
  const rows = [];
  const series = section.readings as readonly Reading[];
  for (let hour = hourOf(section.from); hour < section.to || hour === section.from; hour += ROLLUP_INTERVAL_MS) {
    const from = Math.max(hour, section.from);
    const to = Math.min(hour + ROLLUP_INTERVAL_MS, section.to);
    const last = to === section.to;
    const t = accumulateTime(emptyTimeFigures(), series, profile, from, to, last);
    rows.push({
      hour: iso(hour),
      from: iso(from),
      to: iso(to),
      readings: t.readings,
      minC: t.minC,
      maxC: t.maxC,
      meanC: t.temperatures === 0 ? null : round2(t.temperatureSum / t.temperatures),
      inRangeMinutes: round2(t.inMs / MINUTE),
      outOfRangeMinutes: round2(t.outMs / MINUTE),
      unknownMinutes: round2((to - from - t.inMs - t.outMs) / MINUTE),
    });
    if (hour + ROLLUP_INTERVAL_MS > section.to) break;
  }
  return rows;
}

/**
 * The auditor's record as a document (JSON) and as CSV, each with the SHA-256 of its exact text. Nothing in it depends
 * on when it was made: the same archive gives the same bytes, so a copy can be checked against a later export.
 */
export function buildTemperatureRecord(input: RecordInput): TemperatureRecordText {
  const document = documentOf(input);
  const json = `${JSON.stringify(document, null, 2)}\n`;
  const csv = toCsv(document);
  return { json, jsonSha256: sha256(json), csv, csvSha256: sha256(csv) };
}

function profileOf(profile: StorageProfile) {
  return {
    name: profile.name,
    kind: profile.kind,
    minTempC: profile.minTempC,
    maxTempC: profile.maxTempC,
    minHumidityPct: profile.minHumidityPct,
    maxHumidityPct: profile.maxHumidityPct,
    excursionDelaySeconds: profile.excursionDelaySeconds,
    hysteresisC: profile.hysteresisC,
    maxExcursionMinutes: profile.maxExcursionMinutes,
    excursionBudgetMinutes: profile.excursionBudgetMinutes,
    staleAfterSeconds: profile.staleAfterSeconds,
  };
}

function documentOf(input: RecordInput) {
  return {
    format: recordFormat,
    subject: { type: input.subjectType, code: input.subjectCode },
    window: { since: iso(input.since), until: iso(input.until) },
    resolution: input.resolution,
    profile: input.profile ? profileOf(input.profile) : null,
    summary: input.summary ? summaryOf(input.summary) : null,
    containers: input.sections.map((section) => ({
      code: section.containerCode,
      from: iso(section.from),
      to: iso(section.to),
      profile: profileOf(section.profile),
      summary: summaryOf(section.summary),
      excursions: section.summary.excursions.map((e) => ({
        kind: e.kind,
        startedAt: iso(e.startedAt),
        endedAt: iso(e.endedAt),
        peakValue: e.peakValue,
        minutes: e.minutes,
        observedMinutes: e.observedMinutes,
        unobservedMinutes: e.unobservedMinutes,
      })),
      alerts: section.alerts.map(({ alert, transitions }) => ({
        id: alert.id,
        kind: alert.kind,
        severity: alert.severity,
        state: alert.state,
        startedAt: iso(alert.startedAt),
        endedAt: iso(alert.endedAt),
        peakValue: alert.peakValue,
        acknowledgedAt: iso(alert.acknowledgedAt),
        acknowledgedBy: alert.acknowledgedBy,
        note: alert.note,
        transitions: transitions.map((t) => ({
          transition: t.transition,
          at: iso(t.at),
          severity: t.severity,
          value: t.value ?? null,
          by: t.by ?? null,
          note: t.note ?? null,
          late: t.late === true,
          message: t.message,
        })),
      })),
      ...(input.resolution === 'READINGS'
        ? {
            readings: section.readings
              .filter((r) => r.at >= section.from && r.at <= section.to)
              .map((r) => ({
                at: iso(r.at),
                receivedAt: iso(r.receivedAt),
                temperatureC: r.temperatureC,
                humidityPct: r.humidityPct,
              })),
          }
        : { hours: hoursOf(section, section.profile) }),
    })),
  };
}

type RecordDocument = ReturnType<typeof documentOf>;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function table(rows: unknown[][]): string {
  return rows.map((row) => row.map(cell).join(',')).join('\r\n');
}

/** RFC 4180 text (CRLF); one table per section, separated by an empty line, the first column naming the row kind. */
function toCsv(doc: RecordDocument): string {
  const summaryKeys = Object.keys(doc.containers[0]?.summary ?? doc.summary ?? {}) as (keyof Summary)[];
  const profileKeys = Object.keys(doc.containers[0]?.profile ?? {}) as (keyof ReturnType<typeof profileOf>)[];
  const sections: unknown[][][] = [
    [
      ['record', 'format', 'subject_type', 'subject_code', 'since', 'until', 'resolution'],
      ['record', doc.format, doc.subject.type, doc.subject.code, doc.window.since, doc.window.until, doc.resolution],
    ],
    [
      ['profile', 'container', ...profileKeys],
      ...doc.containers.map((c) => ['profile', c.code, ...profileKeys.map((k) => c.profile[k])]),
    ],
    [
      ['summary', 'container', 'from', 'to', ...summaryKeys],
      ...(doc.summary
        ? [['summary', '*', doc.window.since, doc.window.until, ...summaryKeys.map((k) => doc.summary?.[k])]]
        : []),
      ...doc.containers.map((c) => ['summary', c.code, c.from, c.to, ...summaryKeys.map((k) => c.summary[k])]),
    ],
  ];
  if (doc.resolution === 'READINGS') {
    sections.push([
      ['reading', 'container', 'at', 'received_at', 'temperature_c', 'humidity_pct'],
      ...doc.containers.flatMap((c) =>
        ('readings' in c ? c.readings : []).map((r) => [
          'reading',
          c.code,
          r.at,
          r.receivedAt,
          r.temperatureC,
          r.humidityPct,
        ]),
      ),
    ]);
  } else {
    const keys = [
      'from',
      'to',
      'readings',
      'minC',
      'maxC',
      'meanC',
      'inRangeMinutes',
      'outOfRangeMinutes',
      'unknownMinutes',
    ] as const;
    sections.push([
      ['hour', 'container', ...keys],
      ...doc.containers.flatMap((c) =>
        ('hours' in c ? c.hours : []).map((h) => ['hour', c.code, ...keys.map((k) => h[k])]),
      ),
    ]);
  }
  sections.push([
    [
      'excursion',
      'container',
      'kind',
      'started_at',
      'ended_at',
      'peak_value',
      'minutes',
      'observed_minutes',
      'unobserved_minutes',
    ],
    ...doc.containers.flatMap((c) =>
      c.excursions.map((e) => [
        'excursion',
        c.code,
        e.kind,
        e.startedAt,
        e.endedAt,
        e.peakValue,
        e.minutes,
        e.observedMinutes,
        e.unobservedMinutes,
      ]),
    ),
  ]);
  sections.push([
    [
      'alert',
      'container',
      'alert_id',
      'kind',
      'severity',
      'state',
      'started_at',
      'ended_at',
      'peak_value',
      'acknowledged_at',
      'acknowledged_by',
      'note',
    ],
    ...doc.containers.flatMap((c) =>
      c.alerts.map((a) => [
        'alert',
        c.code,
        a.id,
        a.kind,
        a.severity,
        a.state,
        a.startedAt,
        a.endedAt,
        a.peakValue,
        a.acknowledgedAt,
        a.acknowledgedBy,
        a.note,
      ]),
    ),
  ]);
  sections.push([
    ['transition', 'alert_id', 'position', 'transition', 'at', 'severity', 'value', 'by', 'note', 'late', 'message'],
    ...doc.containers.flatMap((c) =>
      c.alerts.flatMap((a) =>
        a.transitions.map((t, i) => [
          'transition',
          a.id,
          i + 1,
          t.transition,
          t.at,
          t.severity,
          t.value,
          t.by,
          t.note,
          t.late,
          t.message,
        ]),
      ),
    ),
  ]);
  return `${sections.map(table).join('\r\n\r\n')}\r\n`;
}
