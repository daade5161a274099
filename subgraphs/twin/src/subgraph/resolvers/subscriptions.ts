import { badUserInput } from '@bst/subgraph-kit';
import type { CursoredAlertEvent, LiveState } from '../../store/index.ts';
import type { TwinContext } from '../context.ts';
import { listen } from '../subscriptions/listen.ts';
import { AlertStreamFailure, alertWithoutRecord, streamAlertEvents } from '../subscriptions/streamAlertEvents.ts';
import { type AlertFilterInput, storeAlertFilters } from './alertFilter.ts';
import { alertShape, liveStateShape } from './shapes.ts';

const maxContainerCodes = 1000;

function alertEventShape({ cursor, event, alert }: CursoredAlertEvent) {
  return {
    cursor,
    transition: event.transition,
    at: event.at,
    value: event.value ?? null,
    by: event.by ?? null,
    note: event.note ?? null,
    late: event.late === true,
    alert: alertShape(alert ?? alertWithoutRecord(event)),
  };
}

export const subscriptionResolvers = {
  alertEvents: {
    subscribe: (_: unknown, args: { filter?: AlertFilterInput | null; after?: string | null }, ctx: TwinContext) =>
      streamAlertEvents(ctx.store, storeAlertFilters(args.filter), args.after),
    resolve: (item: CursoredAlertEvent | AlertStreamFailure, _: unknown, ctx: TwinContext) => {
      if (item instanceof AlertStreamFailure) throw item.error;
      ctx.delivering.eventId = item.event.eventId;
      return alertEventShape(item);
    },
  },

  liveState: {
    subscribe: (_: unknown, args: { containerCodes: string[] }, ctx: TwinContext) => {
      if (args.containerCodes.length > maxContainerCodes) {
        throw badUserInput('containerCodes', `at most ${maxContainerCodes} containers per subscription`);
      }
      const codes = new Set(args.containerCodes);
      return listen(
        (listener: (live: LiveState) => void) => ctx.store.subscribeLiveState(listener),
        async (live) => {
          if (live.entityType !== 'CONTAINER' || !codes.has(live.code)) return undefined;
          const profile = (await ctx.catalog())?.profileOf(live) ?? null;
          return {
            containerCode: live.code,
            container: { code: live.code },
            live: liveStateShape(live, profile, ctx.now()),
            eventId: live.eventId,
          };
        },
      );
    },
    resolve: (event: { eventId?: string }, _: unknown, ctx: TwinContext) => {
      ctx.delivering.eventId = event.eventId;
      return event;
    },
  },
};
