import { and, count, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { DB, Tx } from '../db/index.ts';
import { type AuditEntryRow, auditLog } from '../db/schema.ts';
import { type Connection, decodeCursor, pageSize, toConnection } from '../pagination/cursor.ts';

export interface AuditEntry {
  actor: string;
  entityType: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
}

export interface AuditLogFilter {
  entityType?: string | null;
  entityId?: string | null;
  actor?: string | null;
  action?: string | null;
}

/** Append and read only: there is deliberately no update or delete here (and the database refuses them). */
export class AuditLogRepository {
  constructor(private readonly db: DB) {}

  async append(tx: Tx, entry: AuditEntry): Promise<void> {
    await tx.insert(auditLog).values({
      ...entry,
      before: entry.before ?? null,
      after: entry.after ?? null,
    });
  }

  async list(args: { first?: number | null; after?: string | null; filter?: AuditLogFilter | null }) {
    const size = pageSize(args.first);
    const conditions: SQL[] = [];
    const f = args.filter ?? {};
    if (f.entityType) conditions.push(eq(auditLog.entityType, f.entityType));
    if (f.entityId) conditions.push(eq(auditLog.entityId, f.entityId));
    if (f.actor) conditions.push(eq(auditLog.actor, f.actor));
    if (f.action) conditions.push(eq(auditLog.action, f.action));
    const where = and(...conditions);
    const after = args.after ? decodeCursor(args.after, 'number') : null;
    const rows = await this.db
      .select()
      .from(auditLog)
      .where(after === null ? where : and(where, lt(auditLog.seq, after)))
      .orderBy(desc(auditLog.seq))
      .limit(size + 1);
    return toConnection<AuditEntryRow>(
      rows,
      size,
      (row) => row.seq,
      async () => (await this.db.select({ n: count() }).from(auditLog).where(where))[0]?.n ?? 0,
    ) satisfies Connection<AuditEntryRow>;
  }
}
