import type { TwinContext } from '../context.ts';
import { pageSize } from './arguments.ts';

export const ingestQueries = {
  ingestStats: (_: unknown, _args: unknown, ctx: TwinContext) => ctx.store.ingestStats(),
  deadLetters: (_: unknown, args: { first?: number | null }, ctx: TwinContext) =>
    ctx.store.deadLetters(pageSize('first', args.first, 100, 1000)),
  unregisteredCodes: (_: unknown, _args: unknown, ctx: TwinContext) => ctx.store.unregistered(),
  cacheStats: (_: unknown, _args: unknown, ctx: TwinContext) => ctx.catalogReader.stats(),
  async archiveStats(_: unknown, _args: unknown, ctx: TwinContext) {
    const [lag, archivers] = await Promise.all([ctx.store.outbox.lag(), ctx.archive?.archivers() ?? []]);
    // An archiver that has not reported for a few minutes is not archiving now.
    const live = archivers.filter((a) => ctx.now() - a.updatedAt < 5 * 60_000);
    return {
      enabled: ctx.archive !== null,
      lagEntries: lag.unacknowledged,
      pendingEntries: lag.pending,
      lagSeconds: lag.oldestAt === null ? 0 : Math.max(0, (ctx.now() - lag.oldestAt) / 1000),
      archivedPerSecond: Math.round(live.reduce((sum, a) => sum + a.perSecond, 0) * 10) / 10,
      archived: archivers.reduce((sum, a) => sum + a.archived, 0),
      errors: archivers.reduce((sum, a) => sum + a.errors, 0),
      retentionYears: ctx.archive ? ctx.archive.retentionYears() : null,
      archivers,
    };
  },
};
