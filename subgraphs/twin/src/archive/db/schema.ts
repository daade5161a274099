import type { RollupResume } from '@bst/coldchain';
import {
  bigint,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** The twin's own schema, beside core's tables in the same Postgres (or its own PGlite in `npm start`). */
export const twin = pgSchema('twin');

const time = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * Every accepted reading, once per (entity, event time). Like every time-keyed table here it is partitioned by month
 * of event time (`drizzle/0000_archive.sql`; partitions are created ahead and on demand, and dropped by retention).
 */
export const readings = twin.table(
  'readings',
  {
    /** `container:BOX-0001` / `sample:SAMPLE-0001`, the store's entity key. */
    entity: text('entity').notNull(),
    at: time('at').notNull(),
    receivedAt: time('received_at').notNull(),
    temperatureC: doublePrecision('temperature_c'),
    humidityPct: doublePrecision('humidity_pct'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    status: text('status'),
    seq: integer('seq'),
  },
  (t) => [primaryKey({ columns: [t.entity, t.at] })],
);

/** Every alert transition, acknowledgements and their notes included, once per (alert, position in its log). */
export const alertEvents = twin.table(
  'alert_events',
  {
    alertId: text('alert_id').notNull(),
    position: integer('position').notNull(),
    entity: text('entity').notNull(),
    /** The transition's event time (partition key). */
    at: time('at').notNull(),
    transition: text('transition').notNull(),
    event: jsonb('event').notNull(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.position, t.at] }), index('alert_events_entity').on(t.entity, t.at)],
);

/** The alert records: each the fold (`foldAlertEvents`) of its archived transitions; a withdrawn alert has none. */
export const alerts = twin.table(
  'alerts',
  {
    id: text('id').primaryKey(),
    entity: text('entity').notNull(),
    kind: text('kind').notNull(),
    severity: text('severity').notNull(),
    startedAt: time('started_at').notNull(),
    endedAt: time('ended_at'),
    acknowledgedAt: time('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    note: text('note'),
    peakValue: doublePrecision('peak_value'),
  },
  (t) => [
    index('alerts_entity_started').on(t.entity, t.startedAt),
    index('alerts_entity_ended').on(t.entity, t.endedAt),
  ],
);

/** The engine's checkpoints, one per entity and hour of event time; the highest state version wins. */
export const checkpoints = twin.table(
  'checkpoints',
  {
    entity: text('entity').notNull(),
    hour: time('hour').notNull(),
    at: time('at').notNull(),
    version: integer('version').notNull(),
    excursions: jsonb('excursions').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entity, t.hour] })],
);

/**
 * What the readings say about each hour (`hourlyRollup`), judged by the profile named in `profile` (its fingerprint:
 * limits and staleness); a row judged by another profile is recomputed when read. `known` holds the hour's known
 * time as [from, to) offsets in ms from the hour.
 */
export const hourly = twin.table(
  'hourly',
  {
    entity: text('entity').notNull(),
    hour: time('hour').notNull(),
    profile: text('profile').notNull(),
    /** Readings the rollup was computed from: those after the hour's start less staleAfterSeconds, before its end. */
    sourceReadings: integer('source_readings').notNull().default(0),
    readings: integer('readings').notNull(),
    readingsInRange: integer('readings_in_range').notNull(),
    temperatures: integer('temperatures').notNull(),
    temperatureSum: doublePrecision('temperature_sum').notNull(),
    minC: doublePrecision('min_c'),
    maxC: doublePrecision('max_c'),
    inMs: bigint('in_ms', { mode: 'number' }).notNull(),
    outMs: bigint('out_ms', { mode: 'number' }).notNull(),
    kineticSum: doublePrecision('kinetic_sum').notNull(),
    kineticMs: bigint('kinetic_ms', { mode: 'number' }).notNull(),
    known: jsonb('known').$type<[number, number][]>().notNull(),
    /** Where the next batch extends this rollup from (`RollupResume`); null: it recomputes the hour from the readings. */
    resume: jsonb('resume').$type<RollupResume>(),
  },
  (t) => [primaryKey({ columns: [t.entity, t.hour] })],
);

/** Each archiver's running figures, so any twin subgraph can show them next to the outbox lag (`archiveStats`). */
export const archivers = twin.table('archivers', {
  consumer: text('consumer').primaryKey(),
  archived: bigint('archived', { mode: 'number' }).notNull(),
  errors: bigint('errors', { mode: 'number' }).notNull(),
  lastError: text('last_error'),
  /** Entries archived per second over the last minute. */
  perSecond: doublePrecision('per_second').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull(),
});
