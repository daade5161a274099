import { type Compliance, compliance, type StorageProfile, type Window } from '@bst/coldchain';
import { badUserInput } from '@bst/subgraph-kit';
import {
  type AlertEventRecord,
  type EntityRef,
  entityKey,
  type StoredAlert,
  type TwinReading,
} from '../../store/index.ts';
import type { TwinContext } from '../context.ts';

/** Readings as the graph pages them: an opaque cursor naming a reading's event time. */
export function readingCursor(reading: TwinReading): string {
  return Buffer.from(`reading:${reading.at}`).toString('base64url');
}

export function parseReadingCursor(field: string, cursor: string | null | undefined): number | null {
  if (cursor === null || cursor === undefined) return null;
  const match = /^reading:(-?\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badUserInput(field, `${field} is not a cursor of readingHistory`);
  return Number(match[1]);
}

/** A window before the archive keeps anything is a question it cannot answer truthfully. */
export function checkRetention(ctx: TwinContext, window: Window, field = 'since'): void {
  if (ctx.archive && window.since < ctx.archive.retentionCutoff()) {
    throw badUserInput(
      field,
      `${field} is before the archive's retention (${new Date(ctx.archive.retentionCutoff()).toISOString()})`,
    );
  }
}

/**
 * Compliance of one container or sample over a window: from the archive's rollups when there is an archive (bounded
 * time whatever the window), else the engine over the hot window.
 */
export async function complianceOf(
  ctx: TwinContext,
  entity: EntityRef,
  profile: StorageProfile,
  window: Window,
): Promise<Compliance> {
  if (ctx.archivedCompliance) return ctx.archivedCompliance.load({ entity, profile, window });
  // The whole hot window up to the window's end, so the budget counts every excursion it still holds.
  const readings = await ctx.store.readings(entity, { until: window.until });
  return compliance(readings, profile, window);
}

/**
 * An entity's alerts that overlap [from, to], oldest first, each with every transition in order: the archive's
 * records, and the store's for those not archived yet.
 */
export async function alertsWithTransitions(ctx: TwinContext, entity: EntityRef, from: number, to: number) {
  const overlaps = (a: { startedAt: number; endedAt: number | null }) =>
    a.startedAt <= to && (a.endedAt === null || a.endedAt >= from);
  const found = new Map<string, { alert: StoredAlert; transitions: AlertEventRecord[] }>();
  // The store's records first: they are the freshest (an acknowledgement not archived yet).
  const hot = await ctx.store.alerts({ entityType: entity.entityType, codes: [entity.code] }, 1000);
  for (const alert of hot.filter(overlaps)) {
    found.set(alert.id, { alert, transitions: await ctx.store.alertEvents(alert.id) });
  }
  if (ctx.archive) {
    const records = (await ctx.archive.alertRecords(entityKey(entity), from, to)).filter((r) => !found.has(r.id));
    const transitions = await ctx.archive.alertTransitions(records.map((r) => r.id));
    for (const { entity: owner, ...record } of records) {
      found.set(record.id, {
        alert: { ...record, ...owner },
        transitions: transitions.filter((t) => t.alertId === record.id).map((t) => t.event),
      });
    }
  }
  return [...found.values()].sort(
    (a, b) => a.alert.startedAt - b.alert.startedAt || a.alert.id.localeCompare(b.alert.id),
  );
}
