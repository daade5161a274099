import { asc, inArray } from 'drizzle-orm';
import type { DB, Tx } from '../db/index.ts';
import { type CustodyEventRow, custodyEvents } from '../db/schema.ts';

export type NewCustodyEvent = typeof custodyEvents.$inferInsert;

/** Append and read only: custody history is evidence. */
export class CustodyEventRepository {
  constructor(private readonly db: DB) {}

  async append(tx: Tx, events: NewCustodyEvent[]): Promise<void> {
    if (events.length > 0) await tx.insert(custodyEvents).values(events);
  }

  /** Oldest first, for many subjects in one statement (DataLoader batches). */
  async forSubjects(subjectIds: readonly string[]): Promise<CustodyEventRow[]> {
    if (subjectIds.length === 0) return [];
    return this.db
      .select()
      .from(custodyEvents)
      .where(inArray(custodyEvents.subjectId, [...subjectIds]))
      .orderBy(asc(custodyEvents.at), asc(custodyEvents.seq));
  }
}
