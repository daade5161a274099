import { type AlertKind, type AlertState, compliance } from '@bst/coldchain';
import { notFound } from '@bst/subgraph-kit';
import type { EntityRef } from '../../store/index.ts';
import type { TwinContext } from '../context.ts';
import { pageSize, readingRange, timeWindow } from './arguments.ts';
import { alertShape, complianceShape, defaultStaleAfterSeconds, liveStateShape, readingShape } from './shapes.ts';

interface ContainerRef {
  code: string;
}

const containerOf = ({ code }: ContainerRef): EntityRef => ({ entityType: 'CONTAINER', code });

async function profileOf(ctx: TwinContext, entity: EntityRef) {
  return (await ctx.catalog())?.profileOf(entity) ?? null;
}

export const containerResolvers = {
  __resolveReference: (ref: ContainerRef): ContainerRef => ({ code: ref.code }),

  async live(container: ContainerRef, _args: unknown, ctx: TwinContext) {
    const entity = containerOf(container);
    const live = await ctx.live.load(entity);
    return live ? liveStateShape(live, await profileOf(ctx, entity), ctx.now()) : null;
  },

  async twinStatus(container: ContainerRef, _args: unknown, ctx: TwinContext) {
    const entity = containerOf(container);
    const [live, profile, active] = await Promise.all([
      ctx.live.load(entity),
      profileOf(ctx, entity),
      ctx.store.alerts({ ...entity, codes: [entity.code], states: ['ACTIVE_UNACKNOWLEDGED', 'ACTIVE_ACKNOWLEDGED'] }),
    ]);
    if (!live) return 'UNKNOWN';
    const staleAfterMs = (profile?.staleAfterSeconds ?? defaultStaleAfterSeconds) * 1000;
    if (active.some((a) => a.kind === 'SENSOR_OFFLINE') || ctx.now() - live.at > staleAfterMs) return 'OFFLINE';
    return active.length > 0 ? 'EXCURSION' : 'IN_RANGE';
  },

  async readings(
    container: ContainerRef,
    args: { since?: Date | null; until?: Date | null; last?: number | null },
    ctx: TwinContext,
  ) {
    const range = readingRange(args.since, args.until);
    const last = args.last === null || args.last === undefined ? undefined : pageSize('last', args.last, 1, 10_000);
    const readings = await ctx.store.readings(containerOf(container), {
      ...range,
      ...(last === undefined ? {} : { last }),
    });
    return readings.map(readingShape);
  },

  async alerts(
    container: ContainerRef,
    args: { active?: boolean | null; kinds?: AlertKind[] | null; states?: AlertState[] | null; first?: number | null },
    ctx: TwinContext,
  ) {
    const entity = containerOf(container);
    let states = args.states ?? undefined;
    if (args.active === true || args.active === false) {
      const prefix = args.active ? 'ACTIVE_' : 'CLEARED_';
      const wanted: AlertState[] = [`${prefix}UNACKNOWLEDGED`, `${prefix}ACKNOWLEDGED`] as AlertState[];
      states = states ? states.filter((s) => wanted.includes(s)) : wanted;
    }
    const alerts = await ctx.store.alerts(
      {
        ...entity,
        codes: [entity.code],
        ...(args.kinds ? { kinds: args.kinds } : {}),
        ...(states ? { states } : {}),
      },
      pageSize('first', args.first, 100, 1000),
    );
    return alerts.map(alertShape);
  },

  async compliance(container: ContainerRef, args: { since?: Date | null; until?: Date | null }, ctx: TwinContext) {
    const entity = containerOf(container);
    const window = timeWindow(args.since, args.until, ctx.now());
    const profile = await profileOf(ctx, entity);
    if (!profile) throw notFound('compliance', `${entity.code} has no storage profile to judge its readings by`);
    // The whole history up to the window's end, so the budget counts every excursion since the start.
    const readings = await ctx.store.readings(entity, { until: window.until });
    return complianceShape(compliance(readings, profile, window), profile);
  },
};
