import { badUserInput, conflict, notFound } from '@bst/subgraph-kit';
import { restoreArchivedAlerts } from '../../archive/restoreArchivedAlerts.ts';
import type { TwinContext } from '../context.ts';
import { type AlertFilterInput, newestFirst, storeAlertFilters } from './alertFilter.ts';
import { pageSize } from './arguments.ts';
import { type AlertShape, alertShape } from './shapes.ts';

const maxNoteLength = 2000;

export const alertQueries = {
  async alerts(_: unknown, args: { filter?: AlertFilterInput | null; first?: number | null }, ctx: TwinContext) {
    const first = pageSize('first', args.first, 100, 1000);
    const filters = storeAlertFilters(args.filter);
    const pages = await Promise.all(filters.map((filter) => ctx.store.alerts(filter, first)));
    return pages.flat().sort(newestFirst).slice(0, first).map(alertShape);
  },

  async alert(_: unknown, args: { id: string }, ctx: TwinContext) {
    const alert = await ctx.store.alert(args.id);
    return alert ? alertShape(alert) : null;
  },
};

export const alertMutations = {
  /**
   * The store applies the SPEC §4 lifecycle atomically, so a clear by the bridge and an acknowledgement never race. An
   * ended alert that already left the store is restored from the archive and acknowledged there.
   */
  async acknowledgeAlert(_: unknown, args: { id: string; note?: string | null }, ctx: TwinContext) {
    const note = args.note?.trim() || null;
    if (note && note.length > maxNoteLength)
      throw badUserInput('note', `note must be at most ${maxNoteLength} characters`);
    const ack = { by: ctx.identity.subject, note, at: ctx.now() };
    let outcome = await ctx.store.acknowledgeAlert(args.id, ack);
    if (outcome.status === 'not_found' && (await restoreArchivedAlerts(ctx.store, ctx.archive, [args.id])).restored[0])
      outcome = await ctx.store.acknowledgeAlert(args.id, ack);
    if (outcome.status === 'not_found') throw notFound('id', `No alert ${args.id}`);
    if (outcome.status === 'conflict') {
      const { acknowledgedBy, acknowledgedAt } = outcome.alert;
      const when = acknowledgedAt === null ? '' : ` at ${new Date(acknowledgedAt).toISOString()}`;
      throw conflict('id', `Alert ${args.id} was already acknowledged by ${acknowledgedBy ?? 'someone'}${when}`);
    }
    return alertShape(outcome.alert);
  },
};

export const alertResolvers = {
  async transitions(alert: AlertShape, _args: unknown, ctx: TwinContext) {
    const log = await ctx.store.alertEvents(alert.id);
    // An id reused after a withdrawal names a new excursion: its transitions start after the withdrawal.
    const withdrawn = log.findLastIndex((event) => event.transition === 'WITHDRAWN');
    return log.slice(withdrawn + 1).map((event) => ({
      transition: event.transition,
      severity: event.severity,
      at: event.at,
      value: event.value ?? null,
      by: event.by ?? null,
      note: event.note ?? null,
      late: event.late === true,
      message: event.message,
    }));
  },
};
