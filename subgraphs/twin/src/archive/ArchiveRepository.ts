import {
  type Alert,
  type AlertEvent,
  type AlertKind,
  alertMessage,
  alertState,
  type EndedExcursion,
  type ExcursionKind,
  type Excursions,
  extendHourlyRollup,
  foldAlertEvents,
  type HourRollup,
  hourlyRollup,
  hourOf,
  hoursTouchedBy,
  type Reading,
  ROLLUP_INTERVAL_MS,
  type RollupResume,
  resumableHourlyRollup,
  type Severity,
  type StorageProfile,
} from '@bst/coldchain';
import { and, asc, eq, getTableColumns, gte, inArray, lt, type SQL, sql, type Table } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import {
  type AlertEventRecord,
  type EntityRef,
  entityKey,
  type OutboxEntry,
  parseEntityKey,
  type TwinReading,
} from '../store/index.ts';
import type { ArchiveDatabase } from './db/openArchiveDatabase.ts';
import { createPartitions, dropPartitionsBefore, monthOf } from './db/partitions.ts';
import { alertEvents, alerts, archivers, checkpoints, hourly, readings } from './db/schema.ts';
import { profileFingerprint, unjudged } from './profileFingerprint.ts';

type Tx = Parameters<Parameters<ArchiveDatabase['db']['transaction']>[0]>[0];
type Executor = ArchiveDatabase['db'] | Tx;

/** Serialises the writes of one entity across archivers (second key: hashtext of the entity key). */
const entityLockSpace = 40_022;
/** Readings fetched apart from one another by more than this are read in separate queries when rolling up. */
const clusterGapMs = 6 * ROLLUP_INTERVAL_MS;
const insertChunk = 1000;
/** Readings a rollup recomputation reads at once, about (one hour of one box at ten a second is 36,000). */
const defaultReadChunk = 200_000;

export interface ArchivedCounts {
  readings: number;
  alertEvents: number;
  checkpoints: number;
  /** Entries older than the retention: not kept (their partitions are dropped). */
  expired: number;
}

/** An hourly rollup as stored, with the fingerprint of the profile it was judged by. */
export interface StoredRollup extends HourRollup {
  profile: string;
  /** Readings it was computed from: after the hour's start less staleAfterSeconds, before its end. */
  sourceReadings: number;
}

export interface ArchiverFigures {
  consumer: string;
  /** Entries archived (and acknowledged) since the archiver started. */
  archived: number;
  errors: number;
  lastError: string | null;
  /** Entries archived per second over the last minute. */
  perSecond: number;
}

export interface StoredAlertRecord extends Alert {
  entity: EntityRef;
}

export interface ArchivedAlertEvent {
  alertId: string;
  position: number;
  event: AlertEventRecord;
}

/** A range of one entity's readings: `from` and `to` inclusive. */
export interface ReadingRange {
  entity: string;
  from: number;
  to: number;
}

/** What a compliance answer reads of a stored rollup: not where the archiver resumes it. */
const { resume: _resume, ...rollupColumns } = getTableColumns(hourly);

const ms = (column: PgColumn | SQL) => sql<number>`(extract(epoch from ${column}) * 1000)::float8`;
const date = (at: number) => new Date(at);
/** Times inside raw SQL travel as text: neither driver maps a Date there. */
const iso = (at: number) => new Date(at).toISOString();

/** An upsert's `set`: each column (by its property name) takes the value the insert proposed. */
function excluded<T extends Table, K extends keyof T['_']['columns'] & string>(table: T, keys: K[]) {
  const columns = getTableColumns(table);
  return Object.fromEntries(keys.map((k) => [k, sql.raw(`excluded."${columns[k]!.name}"`)])) as Record<K, SQL>;
}

/** Consecutive hour starts grouped into runs no more than `clusterGapMs` apart, each as [first, last]. */
function clusters(hours: Iterable<number>): [number, number][] {
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const hour of sorted) {
    const last = runs.at(-1);
    if (last && hour - last[1] <= clusterGapMs) last[1] = hour;
    else runs.push([hour, hour]);
  }
  return runs;
}

function readingRow(entity: string, r: TwinReading) {
  return {
    entity,
    at: date(r.at),
    receivedAt: date(r.receivedAt),
    temperatureC: r.temperatureC,
    humidityPct: r.humidityPct,
    lat: r.lat ?? null,
    lng: r.lng ?? null,
    status: r.status ?? null,
    seq: r.seq ?? null,
  };
}

function rollupRow(
  entity: string,
  profile: string,
  sourceReadings: number,
  rollup: HourRollup,
  resume: RollupResume | null,
) {
  return {
    entity,
    hour: date(rollup.hour),
    profile,
    sourceReadings,
    readings: rollup.readings,
    readingsInRange: rollup.readingsInRange,
    temperatures: rollup.temperatures,
    temperatureSum: rollup.temperatureSum,
    minC: rollup.minC,
    maxC: rollup.maxC,
    inMs: rollup.inMs,
    outMs: rollup.outMs,
    kineticSum: rollup.kineticSum,
    kineticMs: rollup.kineticMs,
    known: rollup.known.map(([a, b]): [number, number] => [a - rollup.hour, b - rollup.hour]),
    resume,
  };
}

/**
 * The durable record in Postgres (schema `twin`): readings, alert transitions and records, engine checkpoints and
 * hourly rollups. Writes are idempotent (an outbox entry delivered twice changes nothing) and serialised per entity,
 * so archivers side by side keep the rollups right.
 */
export class ArchiveRepository {
  private readonly ensurePartitions: (months: Iterable<number>) => Promise<void>;

  constructor(
    private readonly database: ArchiveDatabase,
    private readonly options: {
      retentionMs: number;
      now?: () => number;
      /** Readings a rollup recomputation reads in one query, about (default 200,000): bounds a batch's memory. */
      rollupReadChunk?: number;
    },
  ) {
    this.ensurePartitions = createPartitions(database);
  }

  /** Event times before this are beyond retention: not archived, not answered. */
  retentionCutoff(): number {
    return (this.options.now ?? Date.now)() - this.options.retentionMs;
  }

  /** `postgres` (a server that can go away or freeze) or `pglite` (in this process, `npm start`). */
  get driver(): 'postgres' | 'pglite' {
    return this.database.driver;
  }

  /** Resolves when Postgres answers (health checks). */
  async ping(): Promise<void> {
    await this.database.db.execute(sql`select 1`);
  }

  retentionYears(): number {
    return Math.round((this.options.retentionMs / (365.25 * 24 * ROLLUP_INTERVAL_MS)) * 100) / 100;
  }

  /** Partitions for this month and the next `months` (created ahead, so ingest never waits on DDL). */
  async prepare(months = 3): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    const wanted = [monthOf(now)];
    for (let i = 0; i < months; i++) wanted.push(monthOf(wanted.at(-1)! + 32 * 24 * ROLLUP_INTERVAL_MS));
    await this.ensurePartitions(wanted);
  }

  /**
   * Archives a batch of outbox entries in one transaction: readings and transitions inserted once, alert records
   * refolded, checkpoints kept at their newest version, and the hourly rollups of every hour the readings touch
   * recomputed (judged by `profileOf`). Resolves after the commit: only then may the entries be acknowledged.
   */
  async store(entries: readonly OutboxEntry[], profileOf: (entity: EntityRef) => StorageProfile | null) {
    const cutoff = this.retentionCutoff();
    const counts: ArchivedCounts = { readings: 0, alertEvents: 0, checkpoints: 0, expired: 0 };
    const readingRows: ReturnType<typeof readingRow>[] = [];
    const eventRows: (typeof alertEvents.$inferInsert)[] = [];
    const checkpointRows = new Map<string, typeof checkpoints.$inferInsert>();
    const readingsOf = new Map<string, Reading[]>();
    const months = new Set<number>();
    for (const entry of entries) {
      if (entry.kind === 'reading') {
        if (entry.reading.at < cutoff) {
          counts.expired++;
          continue;
        }
        const entity = entityKey(entry.entity);
        readingRows.push(readingRow(entity, entry.reading));
        const series = readingsOf.get(entity) ?? [];
        const { at, temperatureC, humidityPct } = entry.reading;
        series.push({ at, temperatureC, humidityPct });
        readingsOf.set(entity, series);
        months.add(monthOf(entry.reading.at));
      } else if (entry.kind === 'alert-event') {
        if (entry.event.at < cutoff) {
          counts.expired++;
          continue;
        }
        eventRows.push({
          alertId: entry.alertId,
          position: entry.position,
          entity: entityKey(entry.event),
          at: date(entry.event.at),
          transition: entry.event.transition,
          event: entry.event,
        });
        months.add(monthOf(entry.event.at));
      } else {
        const hour = hourOf(entry.checkpoint.at);
        if (hour < cutoff) {
          counts.expired++;
          continue;
        }
        const entity = entityKey(entry.entity);
        const key = `${entity}@${hour}`;
        const previous = checkpointRows.get(key);
        if (previous && previous.version >= entry.version) continue;
        checkpointRows.set(key, {
          entity,
          hour: date(hour),
          at: date(entry.checkpoint.at),
          version: entry.version,
          excursions: entry.checkpoint.excursions,
        });
        months.add(monthOf(hour));
      }
    }
    const profiles = new Map<string, StorageProfile | null>();
    for (const [entity, series] of readingsOf) {
      const profile = profileOf(parseEntityKey(entity));
      profiles.set(entity, profile);
      for (const { at } of series) {
        for (const hour of profile ? hoursTouchedBy(at, profile) : [hourOf(at)]) months.add(monthOf(hour));
      }
    }
    await this.ensurePartitions(months);

    const entities = new Set<string>([
      ...readingsOf.keys(),
      ...eventRows.map((r) => r.entity),
      ...[...checkpointRows.values()].map((r) => r.entity),
    ]);
    await this.database.db.transaction(async (tx) => {
      await lockEntities(tx, [...entities]);
      for (let i = 0; i < readingRows.length; i += insertChunk) {
        // The rows travel as one JSON parameter: the statement's text is the same whatever the batch holds, so it is
        // prepared once per connection instead of once per row count (postgres.js keeps every one it prepared).
        const inserted = rowsOf<{ n: number }>(
          await tx.execute(sql`
            insert into twin.readings (entity, at, received_at, temperature_c, humidity_pct, lat, lng, status, seq)
            select r.entity, r.at, r."receivedAt", r."temperatureC", r."humidityPct", r.lat, r.lng, r.status, r.seq
            from jsonb_to_recordset(${JSON.stringify(readingRows.slice(i, i + insertChunk))}::jsonb) as r(
              entity text, at timestamptz, "receivedAt" timestamptz, "temperatureC" float8, "humidityPct" float8,
              lat float8, lng float8, status text, seq integer)
            on conflict do nothing
            returning 1 as n`),
        );
        counts.readings += inserted.length;
      }
      for (let i = 0; i < eventRows.length; i += insertChunk) {
        const inserted = await tx
          .insert(alertEvents)
          .values(eventRows.slice(i, i + insertChunk))
          .onConflictDoNothing()
          .returning({ position: alertEvents.position });
        counts.alertEvents += inserted.length;
      }
      if (checkpointRows.size > 0) {
        const rows = [...checkpointRows.values()];
        const stored = await tx
          .insert(checkpoints)
          .values(rows)
          .onConflictDoUpdate({
            target: [checkpoints.entity, checkpoints.hour],
            set: excluded(checkpoints, ['at', 'version', 'excursions']),
            // Archivers may store a replay's checkpoint before the one it replaced: the newer state wins.
            setWhere: sql`excluded.version >= ${checkpoints.version}`,
          })
          .returning({ hour: checkpoints.hour });
        counts.checkpoints += stored.length;
      }
      await refoldAlerts(tx, [...new Set(eventRows.map((r) => r.alertId))]);
      const jobs: RollupJob[] = [];
      for (const [entity, series] of readingsOf) {
        const profile = profiles.get(entity) ?? null;
        const hours = new Set<number>();
        for (const { at } of series) {
          const [first, last] = profile ? hoursTouchedBy(at, profile) : [hourOf(at), hourOf(at)];
          for (let hour = first; hour <= last; hour += ROLLUP_INTERVAL_MS) hours.add(hour);
        }
        jobs.push({ entity, hours, profile, added: series.sort((a, b) => a.at - b.at) });
      }
      await rollUp(tx, jobs, this.options.rollupReadChunk);
    });
    return counts;
  }

  /**
   * Rollups of these entities' hours in [from, to), as stored (each with the fingerprint it was judged by); an hour
   * without a row had no readings.
   */
  async rollups(entities: readonly string[], from: number, to: number): Promise<Map<string, StoredRollup[]>> {
    const found = new Map<string, StoredRollup[]>(entities.map((e) => [e, []]));
    if (entities.length === 0 || from >= to) return found;
    const rows = await this.database.db
      .select(rollupColumns)
      .from(hourly)
      .where(and(inArray(hourly.entity, [...entities]), gte(hourly.hour, date(from)), lt(hourly.hour, date(to))))
      .orderBy(asc(hourly.entity), asc(hourly.hour));
    for (const row of rows) {
      const hour = row.hour.getTime();
      found.get(row.entity)?.push({
        hour,
        profile: row.profile,
        sourceReadings: row.sourceReadings,
        readings: row.readings,
        readingsInRange: row.readingsInRange,
        temperatures: row.temperatures,
        temperatureSum: row.temperatureSum,
        minC: row.minC,
        maxC: row.maxC,
        inMs: row.inMs,
        outMs: row.outMs,
        kineticSum: row.kineticSum,
        kineticMs: row.kineticMs,
        known: row.known.map(([a, b]): [number, number] => [hour + a, hour + b]),
      });
    }
    return found;
  }

  /** Recomputes (and stores) an entity's rollups of these hours by `profile`: after a profile change, or if missing. */
  async repairRollups(entity: string, hours: readonly number[], profile: StorageProfile): Promise<StoredRollup[]> {
    if (hours.length === 0) return [];
    return this.database.db.transaction(async (tx) => {
      await lockEntities(tx, [entity]);
      return (await rollUp(tx, [{ entity, hours: new Set(hours), profile }])).get(entity) ?? [];
    });
  }

  /** Readings of each range (inclusive ends), oldest first, in one query. */
  async readingsIn(ranges: readonly ReadingRange[]): Promise<Map<string, TwinReading[]>> {
    const found = new Map<string, TwinReading[]>(ranges.map((r) => [r.entity, []]));
    const wanted = ranges.filter((r) => r.from <= r.to);
    if (wanted.length === 0) return found;
    const low = Math.min(...wanted.map((r) => r.from));
    const high = Math.max(...wanted.map((r) => r.to));
    const rows = await this.database.rows<{
      entity: string;
      at: number;
      received_at: number;
      temperature_c: number | null;
      humidity_pct: number | null;
      lat: number | null;
      lng: number | null;
      status: string | null;
      seq: number | null;
    }>(sql`
      select r.entity, ${ms(sql`r.at`)} as at, ${ms(sql`r.received_at`)} as received_at, r.temperature_c,
        r.humidity_pct, r.lat, r.lng, r.status, r.seq
      from twin.readings r
      join unnest(
        ${`{${wanted.map((r) => JSON.stringify(r.entity)).join(',')}}`}::text[],
        ${`{${wanted.map((r) => new Date(r.from).toISOString()).join(',')}}`}::timestamptz[],
        ${`{${wanted.map((r) => new Date(r.to).toISOString()).join(',')}}`}::timestamptz[]
      ) as q(entity, lo, hi)
        on r.entity = q.entity and r.at >= q.lo and r.at <= q.hi
      where r.at >= ${iso(low)}::timestamptz and r.at <= ${iso(high)}::timestamptz
      order by r.entity, r.at`);
    for (const row of rows) found.get(row.entity)?.push(twinReadingOf(row));
    return found;
  }

  /**
   * A page of one entity's readings in [since, until] after the event time `after` (exclusive), oldest first; or,
   * with `newestFirst`, the newest ones before `after`, still returned oldest first.
   */
  async readingsPage(
    entity: string,
    query: { since: number; until: number; after?: number | null; limit: number; newestFirst?: boolean },
  ): Promise<TwinReading[]> {
    const bounds = [
      eq(readings.entity, entity),
      gte(readings.at, date(query.since)),
      sql`${readings.at} <= ${iso(query.until)}::timestamptz`,
    ];
    if (query.after !== undefined && query.after !== null) {
      bounds.push(
        query.newestFirst ? lt(readings.at, date(query.after)) : sql`${readings.at} > ${iso(query.after)}::timestamptz`,
      );
    }
    const rows = await this.database.db
      .select()
      .from(readings)
      .where(and(...bounds))
      .orderBy(query.newestFirst ? sql`${readings.at} desc` : asc(readings.at))
      .limit(query.limit);
    const page = rows.map((row) =>
      twinReadingOf({
        at: row.at.getTime(),
        received_at: row.receivedAt.getTime(),
        temperature_c: row.temperatureC,
        humidity_pct: row.humidityPct,
        lat: row.lat,
        lng: row.lng,
        status: row.status,
        seq: row.seq,
      }),
    );
    return query.newestFirst ? page.reverse() : page;
  }

  /** How many readings of an entity fall in [since, until]. */
  async countReadings(entity: string, since: number, until: number): Promise<number> {
    const [row] = await this.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(readings)
      .where(
        and(
          eq(readings.entity, entity),
          gte(readings.at, date(since)),
          sql`${readings.at} <= ${iso(until)}::timestamptz`,
        ),
      );
    return row?.n ?? 0;
  }

  /** The excursions of these entities' alert records that ended in (since, until]. */
  async endedExcursions(entities: readonly string[], since: number, until: number) {
    const found = new Map<string, EndedExcursion[]>(entities.map((e) => [e, []]));
    if (entities.length === 0) return found;
    const rows = await this.database.db
      .select({
        entity: alerts.entity,
        kind: alerts.kind,
        startedAt: alerts.startedAt,
        endedAt: alerts.endedAt,
        peakValue: alerts.peakValue,
      })
      .from(alerts)
      .where(
        and(
          inArray(alerts.entity, [...entities]),
          sql`${alerts.kind} <> 'SENSOR_OFFLINE'`,
          sql`${alerts.endedAt} > ${iso(since)}::timestamptz`,
          sql`${alerts.endedAt} <= ${iso(until)}::timestamptz`,
        ),
      );
    for (const row of rows) {
      found.get(row.entity)?.push({
        kind: row.kind as ExcursionKind,
        startedAt: row.startedAt.getTime(),
        endedAt: (row.endedAt as Date).getTime(),
        peakValue: row.peakValue ?? Number.NaN,
      });
    }
    return found;
  }

  /**
   * Each entity's latest checkpoint taken at or before `until` (or strictly before, with `strict`), looking back a
   * week first (partition pruning) and then through the whole archive.
   */
  async checkpointsAt(
    entities: readonly string[],
    until: number,
    strict = false,
  ): Promise<Map<string, { at: number; excursions: Excursions } | null>> {
    const found = new Map<string, { at: number; excursions: Excursions } | null>(entities.map((e) => [e, null]));
    let missing = [...entities];
    for (const lookBack of [7 * 24 * ROLLUP_INTERVAL_MS, Number.POSITIVE_INFINITY]) {
      if (missing.length === 0) break;
      const floor =
        lookBack === Number.POSITIVE_INFINITY
          ? sql``
          : sql`and c.hour >= ${iso(hourOf(until) - lookBack)}::timestamptz`;
      const rows = await this.database.rows<{ entity: string; at: number; excursions: Excursions | string }>(sql`
        select e.entity, c.at, c.excursions
        from unnest(${`{${missing.map((e) => JSON.stringify(e)).join(',')}}`}::text[]) as e(entity)
        cross join lateral (
          select ${ms(sql`c.at`)} as at, c.excursions from twin.checkpoints c
          where c.entity = e.entity and c.hour <= ${iso(hourOf(until))}::timestamptz ${floor}
            and ${strict ? sql`c.at < ${iso(until)}::timestamptz` : sql`c.at <= ${iso(until)}::timestamptz`}
          order by c.hour desc limit 1
        ) c`);
      for (const row of rows) {
        const excursions = typeof row.excursions === 'string' ? JSON.parse(row.excursions) : row.excursions;
        found.set(row.entity, { at: row.at, excursions });
      }
      missing = missing.filter((e) => found.get(e) === null);
    }
    return found;
  }

  /** An entity's alert records that overlap [since, until] (started by `until`, not ended before `since`), oldest first. */
  async alertRecords(entity: string, since: number, until: number): Promise<StoredAlertRecord[]> {
    const rows = await this.database.db
      .select()
      .from(alerts)
      .where(
        and(
          eq(alerts.entity, entity),
          sql`${alerts.startedAt} <= ${iso(until)}::timestamptz`,
          sql`(${alerts.endedAt} is null or ${alerts.endedAt} >= ${iso(since)}::timestamptz)`,
        ),
      )
      .orderBy(asc(alerts.startedAt), asc(alerts.id));
    return rows.map((row) => {
      const endedAt = row.endedAt?.getTime() ?? null;
      const acknowledgedAt = row.acknowledgedAt?.getTime() ?? null;
      const kind = row.kind as AlertKind;
      const severity = row.severity as Severity;
      return {
        id: row.id,
        entity: parseEntityKey(row.entity),
        kind,
        severity,
        state: alertState(endedAt, acknowledgedAt),
        startedAt: row.startedAt.getTime(),
        endedAt,
        acknowledgedAt,
        acknowledgedBy: row.acknowledgedBy,
        note: row.note,
        peakValue: row.peakValue,
        message: alertMessage(kind, severity, row.peakValue),
      };
    });
  }

  /** The archived transitions of these alerts, by alert and position. */
  async alertTransitions(alertIds: readonly string[]): Promise<ArchivedAlertEvent[]> {
    if (alertIds.length === 0) return [];
    const rows = await this.database.db
      .select({ alertId: alertEvents.alertId, position: alertEvents.position, event: alertEvents.event })
      .from(alertEvents)
      .where(inArray(alertEvents.alertId, [...alertIds]))
      .orderBy(asc(alertEvents.alertId), asc(alertEvents.position));
    return rows.map((r) => ({ alertId: r.alertId, position: r.position, event: r.event as AlertEventRecord }));
  }

  /**
   * Retention: drops every monthly partition that ended before the cutoff and the alert records that ended before
   * it (their transitions went with the partitions); creates the coming months' partitions. Returns months dropped.
   */
  async expire(): Promise<number[]> {
    const cutoff = this.retentionCutoff();
    await this.prepare();
    const dropped = await dropPartitionsBefore(this.database, cutoff);
    await this.database.db.delete(alerts).where(sql`${alerts.endedAt} < ${iso(cutoff)}::timestamptz`);
    return dropped;
  }

  /** Records an archiver's running figures (after each batch, and after an error). */
  async recordArchiver(figures: ArchiverFigures): Promise<void> {
    const row = { ...figures, updatedAt: date((this.options.now ?? Date.now)()) };
    await this.database.db
      .insert(archivers)
      .values(row)
      .onConflictDoUpdate({
        target: archivers.consumer,
        set: excluded(archivers, ['archived', 'errors', 'lastError', 'perSecond', 'updatedAt']),
      });
  }

  /** Every archiver that reported, most recently updated first. */
  async archivers(): Promise<(ArchiverFigures & { updatedAt: number })[]> {
    const rows = await this.database.db.select().from(archivers).orderBy(sql`${archivers.updatedAt} desc`);
    return rows.map((r) => ({ ...r, updatedAt: r.updatedAt.getTime() }));
  }

  /** Rows per table (tests and the archive's own figures). */
  async counts(): Promise<{ readings: number; alertEvents: number; alerts: number; checkpoints: number }> {
    const [row] = await this.database.rows<{
      readings: number;
      alert_events: number;
      alerts: number;
      checkpoints: number;
    }>(
      sql`select (select count(*)::int from twin.readings) as readings,
        (select count(*)::int from twin.alert_events) as alert_events,
        (select count(*)::int from twin.alerts) as alerts,
        (select count(*)::int from twin.checkpoints) as checkpoints`,
    );
    return {
      readings: row?.readings ?? 0,
      alertEvents: row?.alert_events ?? 0,
      alerts: row?.alerts ?? 0,
      checkpoints: row?.checkpoints ?? 0,
    };
  }
}

function twinReadingOf(row: {
  at: number;
  received_at: number;
  temperature_c: number | null;
  humidity_pct: number | null;
  lat: number | null;
  lng: number | null;
  status: string | null;
  seq: number | null;
}): TwinReading {
  const reading: TwinReading = {
    at: Number(row.at),
    receivedAt: Number(row.received_at),
    temperatureC: row.temperature_c,
    humidityPct: row.humidity_pct,
  };
  if (row.lat !== null) reading.lat = row.lat;
  if (row.lng !== null) reading.lng = row.lng;
  if (row.status !== null) reading.status = row.status;
  if (row.seq !== null) reading.seq = row.seq;
  return reading;
}

async function lockEntities(tx: Executor, entities: string[]): Promise<void> {
  if (entities.length === 0) return;
  // One statement, locks taken in sorted order: two archivers locking overlapping sets never wait in a cycle.
  await tx.execute(sql`
    select pg_advisory_xact_lock(${entityLockSpace}, k) from (
      select distinct hashtext(e) as k from unnest(${textArray(entities)}::text[]) as e order by k
    ) as keys`);
}

/** A text[] literal, so a list of any length travels as one parameter. */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => JSON.stringify(v)).join(',')}}`;
}

/** A timestamptz[] literal. */
function timeArray(values: readonly number[]): string {
  return `{${values.map((v) => new Date(v).toISOString()).join(',')}}`;
}

/** Rows of a raw statement inside a transaction, whichever the driver (postgres.js: an array; PGlite: `{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Each alert's record is the fold of its archived transitions in log order; a withdrawn one has none. */
async function refoldAlerts(tx: Tx, alertIds: string[]): Promise<void> {
  if (alertIds.length === 0) return;
  const rows = await tx
    .select({ alertId: alertEvents.alertId, event: alertEvents.event })
    .from(alertEvents)
    .where(inArray(alertEvents.alertId, alertIds))
    .orderBy(asc(alertEvents.alertId), asc(alertEvents.position));
  const byAlert = new Map<string, AlertEventRecord[]>(alertIds.map((id) => [id, []]));
  for (const row of rows) byAlert.get(row.alertId)?.push(row.event as AlertEventRecord);
  const gone: string[] = [];
  const records: (typeof alerts.$inferInsert)[] = [];
  for (const [id, events] of byAlert) {
    const record = foldAlertEvents(events as AlertEvent[]).get(id);
    const first = events[0];
    if (!record || !first) {
      gone.push(id);
      continue;
    }
    records.push({
      id,
      entity: entityKey(first),
      kind: record.kind,
      severity: record.severity,
      startedAt: date(record.startedAt),
      endedAt: record.endedAt === null ? null : date(record.endedAt),
      acknowledgedAt: record.acknowledgedAt === null ? null : date(record.acknowledgedAt),
      acknowledgedBy: record.acknowledgedBy,
      note: record.note,
      peakValue: record.peakValue,
    });
  }
  if (records.length > 0) {
    await tx
      .insert(alerts)
      .values(records)
      .onConflictDoUpdate({
        target: alerts.id,
        set: excluded(alerts, [
          'kind',
          'severity',
          'startedAt',
          'endedAt',
          'acknowledgedAt',
          'acknowledgedBy',
          'note',
          'peakValue',
        ]),
      });
  }
  if (gone.length > 0) await tx.delete(alerts).where(inArray(alerts.id, gone));
}

interface RollupJob {
  entity: string;
  hours: Set<number>;
  /** Null: the entity has no profile now, its hours are only marked as holding readings. */
  profile: StorageProfile | null;
  /** The readings this batch archived, sorted: an hour they only extend is extended, not read again. */
  added?: readonly Reading[];
}

interface HourToRoll {
  job: RollupJob;
  hour: number;
}

/**
 * Brings the rollups of each job's hours up to date and stores them (the entities are locked by the caller). An hour
 * whose stored rollup can be resumed (same profile, every added reading after the last one it holds) is extended by
 * the added readings alone: a batch costs the same in the hour's first minute and its last, whatever the hour holds.
 * The rest are recomputed from the archived readings: one query reads every range, one statement writes every row.
 */
async function rollUp(
  tx: Tx,
  jobs: readonly RollupJob[],
  readChunk = defaultReadChunk,
): Promise<Map<string, StoredRollup[]>> {
  const found = new Map<string, StoredRollup[]>(jobs.map((j) => [j.entity, []]));
  const upserts: ReturnType<typeof rollupRow>[] = [];
  const empty: { entity: string; hour: number }[] = [];
  const keep = (
    job: RollupJob,
    fingerprint: string,
    sourceReadings: number,
    rollup: HourRollup,
    resume: RollupResume | null,
  ) => {
    if (job.profile && rollup.readings === 0 && rollup.known.length === 0 && rollup.kineticMs === 0) {
      // Nothing holds in this hour (any more): no row, as for an hour that never had readings.
      empty.push({ entity: job.entity, hour: rollup.hour });
      return;
    }
    upserts.push(rollupRow(job.entity, fingerprint, sourceReadings, rollup, resume));
    found.get(job.entity)?.push({ ...rollup, profile: fingerprint, sourceReadings });
  };

  const recompute = new Map<RollupJob, Set<number>>();
  const resumable: HourToRoll[] = [];
  for (const job of jobs) {
    for (const hour of job.hours) {
      if (job.profile && job.added) resumable.push({ job, hour });
      else recompute.set(job, (recompute.get(job) ?? new Set()).add(hour));
    }
  }
  const stored = await storedResumes(tx, resumable);
  for (const { job, hour } of resumable) {
    const profile = job.profile!;
    const staleMs = profile.staleAfterSeconds * 1000;
    const fingerprint = profileFingerprint(profile);
    const added = job.added!.filter((r) => r.at > hour - staleMs && r.at < hour + ROLLUP_INTERVAL_MS);
    const row = stored.get(`${job.entity}@${hour}`);
    if (row && row.profile === fingerprint && row.resume && extendsInOrder(row.resume, added)) {
      // A reading exactly staleAfterSeconds before the hour touches it without holding in it: nothing changes.
      if (added.length === 0) continue;
      const extended = extendHourlyRollup(row.resume, added, profile, hour);
      keep(job, fingerprint, row.sourceReadings + added.length, extended.rollup, extended.resume);
    } else {
      recompute.set(job, (recompute.get(job) ?? new Set()).add(hour));
    }
  }

  const ranges: RollupRange[] = [];
  for (const [job, hours] of recompute) {
    const staleMs = job.profile ? job.profile.staleAfterSeconds * 1000 : 0;
    for (const [first, last] of clusters(hours)) {
      ranges.push({
        entity: job.entity,
        from: first - staleMs,
        to: last + ROLLUP_INTERVAL_MS,
        first,
        last,
        job,
        hours,
      });
    }
  }
  const rollRange = (range: RollupRange, source: readonly Reading[]) => {
    const { job } = range;
    const fingerprint = job.profile ? profileFingerprint(job.profile) : unjudged;
    const staleMs = job.profile ? job.profile.staleAfterSeconds * 1000 : 0;
    for (let hour = range.first; hour <= range.last; hour += ROLLUP_INTERVAL_MS) {
      if (!range.hours.has(hour)) continue;
      const { rollup, resume } = job.profile
        ? resumableHourlyRollup(source, job.profile, hour)
        : { rollup: hourlyRollup([], placeholderProfile, hour), resume: null };
      const sourceReadings = source.filter((r) => r.at > hour - staleMs && r.at < hour + ROLLUP_INTERVAL_MS).length;
      keep(job, fingerprint, sourceReadings, rollup, resume);
    }
  };
  // Read in chunks of about `readChunk` readings (as far as the stored rollups tell), so that late readings for many
  // dense entities in one batch never hold millions of rows at once; one query when they are few, as usual.
  let chunk: RollupRange[] = [];
  let expected = 0;
  const readChunkNow = async () => {
    const series = await readRanges(tx, chunk);
    for (const [k, range] of chunk.entries()) rollRange(range, series[k] ?? []);
    chunk = [];
    expected = 0;
  };
  for (const range of ranges) {
    // Without a profile an hour is only marked as holding readings: nothing to read.
    if (!range.job.profile) {
      rollRange(range, []);
      continue;
    }
    let size = 0;
    for (const hour of range.hours) {
      if (hour >= range.first && hour <= range.last) size += stored.get(`${range.entity}@${hour}`)?.sourceReadings ?? 0;
    }
    if (chunk.length > 0 && expected + size > readChunk) await readChunkNow();
    chunk.push(range);
    expected += size;
  }
  if (chunk.length > 0) await readChunkNow();
  for (let i = 0; i < upserts.length; i += insertChunk) {
    await tx
      .insert(hourly)
      .values(upserts.slice(i, i + insertChunk))
      .onConflictDoUpdate({
        target: [hourly.entity, hourly.hour],
        set: excluded(hourly, [
          'profile',
          'sourceReadings',
          'readings',
          'readingsInRange',
          'temperatures',
          'temperatureSum',
          'minC',
          'maxC',
          'inMs',
          'outMs',
          'kineticSum',
          'kineticMs',
          'known',
          'resume',
        ]),
      });
  }
  if (empty.length > 0) {
    await tx.execute(sql`
      delete from twin.hourly h using unnest(${textArray(empty.map((e) => e.entity))}::text[],
        ${timeArray(empty.map((e) => e.hour))}::timestamptz[]) as q(entity, hour)
      where h.entity = q.entity and h.hour = q.hour`);
  }
  return found;
}

/** One entity's readings in (from, to), ends exclusive, and the hours rolled up from them. */
interface RollupRange {
  entity: string;
  from: number;
  to: number;
  /** The first and last hour (starts) to roll up from the range's readings. */
  first: number;
  last: number;
  job: RollupJob;
  hours: Set<number>;
}

/** Each range's archived readings (ends exclusive), oldest first, in one query. */
async function readRanges(tx: Tx, ranges: readonly RollupRange[]): Promise<Reading[][]> {
  const series = ranges.map((): Reading[] => []);
  const rows = rowsOf<{ n: number; at: number; t: number | null; h: number | null }>(
    await tx.execute(sql`
      select q.n, ${ms(sql`r.at`)} as at, r.temperature_c as t, r.humidity_pct as h
      from unnest(${textArray(ranges.map((r) => r.entity))}::text[], ${timeArray(ranges.map((r) => r.from))}::timestamptz[],
        ${timeArray(ranges.map((r) => r.to))}::timestamptz[]) with ordinality as q(entity, lo, hi, n)
      join twin.readings r on r.entity = q.entity and r.at > q.lo and r.at < q.hi
      where r.at > ${iso(Math.min(...ranges.map((r) => r.from)))}::timestamptz
        and r.at < ${iso(Math.max(...ranges.map((r) => r.to)))}::timestamptz
      order by q.n, r.at`),
  );
  for (const row of rows) {
    series[Number(row.n) - 1]?.push({ at: Number(row.at), temperatureC: row.t, humidityPct: row.h });
  }
  return series;
}

/** Added readings extend a rollup when every one comes after the last it holds, one per event time, whole ms as stored. */
function extendsInOrder(resume: RollupResume, added: readonly Reading[]): boolean {
  let previous = resume.last.at;
  for (const { at } of added) {
    if (at <= previous || !Number.isInteger(at)) return false;
    previous = at;
  }
  return true;
}

/** The stored rollups of these hours that can be resumed: their profile, source count and resume point. */
async function storedResumes(tx: Tx, hours: readonly HourToRoll[]) {
  const found = new Map<string, { profile: string; sourceReadings: number; resume: RollupResume | null }>();
  if (hours.length === 0) return found;
  const times = hours.map((h) => h.hour);
  const rows = rowsOf<{ entity: string; hour: number; profile: string; source_readings: number; resume: unknown }>(
    await tx.execute(sql`
      select h.entity, ${ms(sql`h.hour`)} as hour, h.profile, h.source_readings, h.resume
      from twin.hourly h
      join unnest(${textArray(hours.map((h) => h.job.entity))}::text[], ${timeArray(times)}::timestamptz[]) as q(entity, hour)
        on h.entity = q.entity and h.hour = q.hour
      where h.hour >= ${iso(Math.min(...times))}::timestamptz and h.hour <= ${iso(Math.max(...times))}::timestamptz`),
  );
  for (const row of rows) {
    // PGlite returns jsonb parsed; postgres.js inside raw SQL may return it as text.
    const resume = (typeof row.resume === 'string' ? JSON.parse(row.resume) : row.resume) as RollupResume | null;
    found.set(`${row.entity}@${Number(row.hour)}`, {
      profile: row.profile,
      sourceReadings: Number(row.source_readings),
      resume,
    });
  }
  return found;
}

/** Rollups of an entity without a profile only mark the hour as holding readings (judged when first asked). */
const placeholderProfile: StorageProfile = {
  id: unjudged,
  name: unjudged,
  kind: 'CUSTOM',
  minTempC: null,
  maxTempC: null,
  minHumidityPct: null,
  maxHumidityPct: null,
  excursionDelaySeconds: 0,
  hysteresisC: 0,
  hysteresisPct: 0,
  maxExcursionMinutes: 0,
  excursionBudgetMinutes: 0,
  staleAfterSeconds: 0,
};
