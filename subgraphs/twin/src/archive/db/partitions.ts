import { sql } from 'drizzle-orm';
import type { ArchiveDatabase } from './openArchiveDatabase.ts';

/** The time-keyed tables and the column each is partitioned by (month of UTC time). */
export const partitionedTables = [
  { table: 'readings', column: 'at' },
  { table: 'alert_events', column: 'at' },
  { table: 'checkpoints', column: 'hour' },
  { table: 'hourly', column: 'hour' },
] as const;

/** Serialises partition DDL between archivers (IF NOT EXISTS alone races on the catalog). */
const partitionLockId = 40_021;

/** The start of the UTC month holding `at`. */
export function monthOf(at: number): number {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function nextMonth(month: number): number {
  const d = new Date(month);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** `readings_y2026m11`: the partition of `table` for the month starting at `month`. */
export function partitionName(table: string, month: number): string {
  const d = new Date(month);
  return `${table}_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month a partition name stands for, or null for a name that is not one. */
export function monthOfPartition(name: string): number | null {
  const match = /_y(\d{4})m(\d{2})$/.exec(name);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, 1) : null;
}

/**
 * Makes sure every partitioned table has a partition for each month (start ms) given. Remembers what exists, so the
 * common case (this month's partitions exist) costs nothing.
 */
export function createPartitions(database: ArchiveDatabase) {
  const known = new Set<number>();
  return async function ensure(months: Iterable<number>): Promise<void> {
    const missing = [...new Set(months)].filter((m) => !known.has(m)).sort((a, b) => a - b);
    if (missing.length === 0) return;
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${partitionLockId})`);
      for (const month of missing) {
        const from = new Date(month).toISOString();
        const to = new Date(nextMonth(month)).toISOString();
        for (const { table } of partitionedTables) {
          await tx.execute(
            sql.raw(
              `CREATE TABLE IF NOT EXISTS "twin"."${partitionName(table, month)}" PARTITION OF "twin"."${table}" ` +
                `FOR VALUES FROM ('${from}') TO ('${to}')`,
            ),
          );
        }
      }
    });
    for (const month of missing) known.add(month);
  };
}

/** The months that have partitions, oldest first. */
export async function partitionMonths(database: ArchiveDatabase): Promise<number[]> {
  const rows = await database.rows<{ name: string }>(sql`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    join pg_namespace n on n.oid = p.relnamespace
    where n.nspname = 'twin' and p.relname = 'readings'`);
  return rows
    .map((r) => monthOfPartition(r.name))
    .filter((m): m is number => m !== null)
    .sort((a, b) => a - b);
}

/** Drops every month that ends at or before `cutoff` from every partitioned table; returns the months dropped. */
export async function dropPartitionsBefore(database: ArchiveDatabase, cutoff: number): Promise<number[]> {
  const expired = (await partitionMonths(database)).filter((month) => nextMonth(month) <= cutoff);
  if (expired.length === 0) return [];
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${partitionLockId})`);
    for (const month of expired) {
      for (const { table } of partitionedTables) {
        await tx.execute(sql.raw(`DROP TABLE IF EXISTS "twin"."${partitionName(table, month)}"`));
      }
    }
  });
  return expired;
}
