import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const storageProfileKind = pgEnum('storage_profile_kind', [
  'AMBIENT',
  'REFRIGERATED',
  'FROZEN',
  'ULTRA_LOW',
  'CRYOGENIC',
  'CUSTOM',
]);
export const containerKind = pgEnum('container_kind', [
  'FREEZER',
  'REFRIGERATOR',
  'RACK',
  'BOX',
  'SHIPPER',
  'DEWAR',
  'ROOM',
]);
export const containerStatus = pgEnum('container_status', ['IDLE', 'IN_USE', 'IN_TRANSIT', 'MAINTENANCE', 'RETIRED']);
export const sampleKind = pgEnum('sample_kind', [
  'BLOOD',
  'PLASMA',
  'SERUM',
  'TISSUE',
  'DNA',
  'RNA',
  'CELLS',
  'VACCINE',
  'REAGENT',
  'OTHER',
]);
export const sampleStatus = pgEnum('sample_status', [
  'COLLECTED',
  'PROCESSED',
  'STORED',
  'IN_TRANSIT',
  'CONSUMED',
  'DISPOSED',
]);
export const shipmentStatus = pgEnum('shipment_status', ['PLANNED', 'IN_TRANSIT', 'RECEIVED', 'CANCELLED']);
export const custodySubject = pgEnum('custody_subject', ['CONTAINER', 'SAMPLE']);

export const sites = pgTable('sites', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique('sites_code_unique'),
  name: text('name').notNull(),
  city: text('city'),
  country: text('country'),
  lat: doublePrecision('lat'),
  lng: doublePrecision('lng'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const storageProfiles = pgTable('storage_profiles', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique('storage_profiles_name_unique'),
  kind: storageProfileKind('kind').notNull(),
  minTempC: doublePrecision('min_temp_c'),
  maxTempC: doublePrecision('max_temp_c'),
  minHumidityPct: doublePrecision('min_humidity_pct'),
  maxHumidityPct: doublePrecision('max_humidity_pct'),
  excursionDelaySeconds: integer('excursion_delay_seconds').notNull().default(0),
  hysteresisC: doublePrecision('hysteresis_c').notNull().default(0.5),
  hysteresisPct: doublePrecision('hysteresis_pct').notNull().default(2),
  maxExcursionMinutes: integer('max_excursion_minutes').notNull().default(30),
  excursionBudgetMinutes: integer('excursion_budget_minutes').notNull().default(120),
  staleAfterSeconds: integer('stale_after_seconds').notNull().default(900),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const containers = pgTable(
  'containers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull().unique('containers_code_unique'),
    kind: containerKind('kind').notNull(),
    label: text('label'),
    status: containerStatus('status').notNull().default('IDLE'),
    siteId: uuid('site_id').references(() => sites.id),
    storageProfileId: uuid('storage_profile_id').references(() => storageProfiles.id),
    parentId: uuid('parent_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('containers_site_idx').on(t.siteId),
    index('containers_parent_idx').on(t.parentId),
    foreignKey({ name: 'containers_parent_fk', columns: [t.parentId], foreignColumns: [t.id] }),
  ],
);

export const samples = pgTable(
  'samples',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull().unique('samples_code_unique'),
    name: text('name').notNull(),
    description: text('description'),
    kind: sampleKind('kind').notNull().default('OTHER'),
    status: sampleStatus('status').notNull().default('COLLECTED'),
    collectedAt: timestamp('collected_at', { withTimezone: true }),
    containerId: uuid('container_id').references(() => containers.id),
    storageProfileId: uuid('storage_profile_id').references(() => storageProfiles.id),
    parentSampleId: uuid('parent_sample_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('samples_container_idx').on(t.containerId),
    index('samples_parent_idx').on(t.parentSampleId),
    foreignKey({ name: 'samples_parent_fk', columns: [t.parentSampleId], foreignColumns: [t.id] }),
  ],
);

export const shipments = pgTable('shipments', {
  id: uuid('id').primaryKey().defaultRandom(),
  reference: text('reference').notNull().unique('shipments_reference_unique'),
  originSiteId: uuid('origin_site_id')
    .notNull()
    .references(() => sites.id),
  destinationSiteId: uuid('destination_site_id')
    .notNull()
    .references(() => sites.id),
  status: shipmentStatus('status').notNull().default('PLANNED'),
  plannedDepartureAt: timestamp('planned_departure_at', { withTimezone: true }),
  plannedArrivalAt: timestamp('planned_arrival_at', { withTimezone: true }),
  dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
  receivedAt: timestamp('received_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const shipmentContainers = pgTable(
  'shipment_containers',
  {
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => shipments.id),
    containerId: uuid('container_id')
      .notNull()
      .references(() => containers.id),
  },
  (t) => [
    primaryKey({ columns: [t.shipmentId, t.containerId] }),
    index('shipment_containers_container_idx').on(t.containerId),
  ],
);

/** Append-only (a trigger refuses UPDATE and DELETE); `seq` gives a total order for history and cursors. */
export const custodyEvents = pgTable(
  'custody_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    subjectType: custodySubject('subject_type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    subjectCode: text('subject_code').notNull(),
    fromContainerCode: text('from_container_code'),
    toContainerCode: text('to_container_code'),
    fromSiteCode: text('from_site_code'),
    toSiteCode: text('to_site_code'),
    shipmentReference: text('shipment_reference'),
    reason: text('reason'),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('custody_events_subject_idx').on(t.subjectId, t.seq)],
);

/** Append-only (a trigger refuses UPDATE and DELETE). */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
    actor: text('actor').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [index('audit_log_entity_idx').on(t.entityType, t.entityId)],
);

/** One row; triggers bump it in the writing transaction so the twin sees a new version only after commit. */
export const catalogState = pgTable('catalog_state', {
  id: integer('id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});

export type SiteRow = typeof sites.$inferSelect;
export type StorageProfileRow = typeof storageProfiles.$inferSelect;
export type ContainerRow = typeof containers.$inferSelect;
export type SampleRow = typeof samples.$inferSelect;
export type ShipmentRow = typeof shipments.$inferSelect;
export type CustodyEventRow = typeof custodyEvents.$inferSelect;
export type AuditEntryRow = typeof auditLog.$inferSelect;
