import type { AlertKind, AlertState } from '@bst/coldchain';
import { badUserInput, notFound } from '@bst/subgraph-kit';
import type { EntityRef } from '../../store/index.ts';
import type { TwinContext } from '../context.ts';
import { pageSize, readingRange, timeWindow } from './arguments.ts';
import { checkRetention, complianceOf, parseReadingCursor, readingCursor } from './history.ts';
import { alertShape, complianceShape, defaultStaleAfterSeconds, liveStateShape, readingShape } from './shapes.ts';
import { type RecordArgs, recordOfContainer } from './temperatureRecord.ts';

/** A list field's ceiling; longer ranges page through `readingHistory`. */
const maxReadings = 1000;
/** What a bare `readings` (no range, no `last`) gives: the newest few. */
const bareReadings = 100;
/** The earliest event time anyone asks about when a range is open at its start. */
const beginning = 0;

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
    const bare = range.since === undefined && range.until === undefined;
    const last = pageSize('last', args.last, bare ? bareReadings : 0, maxReadings) || undefined;
    const since = range.since ?? beginning;
    const until = range.until ?? ctx.now() + 24 * 3600_000;
    const { readings } = await ctx.history.page(
      containerOf(container),
      last === undefined ? { since, until, first: maxReadings } : { since, until, last },
    );
    return readings.map(readingShape);
  },

  async readingHistory(
    container: ContainerRef,
    args: {
      since?: Date | null;
      until?: Date | null;
      first?: number | null;
      after?: string | null;
      last?: number | null;
      before?: string | null;
    },
    ctx: TwinContext,
  ) {
    const range = readingRange(args.since, args.until);
    if (args.last !== null && args.last !== undefined && args.first !== null && args.first !== undefined) {
      throw badUserInput('last', 'pass first (forwards) or last (backwards), not both');
    }
    const backward = args.last !== null && args.last !== undefined;
    const size = backward
      ? pageSize('last', args.last, 100, maxReadings)
      : pageSize('first', args.first, 100, maxReadings);
    const after = parseReadingCursor('after', args.after);
    const before = parseReadingCursor('before', args.before);
    const since = range.since ?? beginning;
    const until = range.until ?? ctx.now() + 24 * 3600_000;
    const page = await ctx.history.page(
      containerOf(container),
      backward ? { since, until, last: size, before } : { since, until, first: size, after },
    );
    const edges = page.readings.map((reading) => ({ cursor: readingCursor(reading), node: readingShape(reading) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: backward ? before !== null : page.more,
        hasPreviousPage: backward ? page.more : after !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
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
    checkRetention(ctx, window);
    const profile = await profileOf(ctx, entity);
    if (!profile) throw notFound('compliance', `${entity.code} has no storage profile to judge its readings by`);
    return complianceShape(await complianceOf(ctx, entity, profile, window), profile);
  },

  temperatureRecord(container: ContainerRef, args: RecordArgs, ctx: TwinContext) {
    return recordOfContainer(ctx, container.code, args);
  },
};
