import { badUserInput } from '@bst/subgraph-kit';
import type { AlertEventRecord, LiveState } from '../../store/index.ts';
import type { TwinContext } from '../context.ts';
import { alertAsOf } from '../subscriptions/alertAsOf.ts';
import { listen } from '../subscriptions/listen.ts';
import { type AlertFilterInput, matchesAnyFilter, storeAlertFilters } from './alertFilter.ts';
import { alertShape, liveStateShape } from './shapes.ts';

const maxContainerCodes = 1000;

export const subscriptionResolvers = {
  alertEvents: {
    subscribe: (_: unknown, args: { filter?: AlertFilterInput | null }, ctx: TwinContext) => {
      const filters = storeAlertFilters(args.filter);
      return listen(
        (listener: (event: AlertEventRecord) => void) => ctx.store.subscribeAlertEvents(listener),
        async (event) => {
          const alert = alertAsOf(await ctx.alertLog(event), event);
          if (!matchesAnyFilter(alert, filters)) return undefined;
          return {
            transition: event.transition,
            at: event.at,
            value: event.value ?? null,
            by: event.by ?? null,
            note: event.note ?? null,
            late: event.late === true,
            alert: alertShape(alert),
          };
        },
      );
    },
    resolve: (event: unknown) => event,
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
          };
        },
      );
    },
    resolve: (event: unknown) => event,
  },
};
