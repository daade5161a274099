import { badUserInput } from '@bst/subgraph-kit';
import type { UnregisteredEntity, UnregisteredPage } from '../../store/index.ts';
import type { TwinContext } from '../context.ts';
import { pageSize } from './arguments.ts';

type After = NonNullable<UnregisteredPage['after']>;

function cursorOf({ entityType, code, lastSeenAt }: UnregisteredEntity): string {
  return Buffer.from(JSON.stringify({ t: entityType, c: code, s: lastSeenAt })).toString('base64url');
}

function afterCursor(cursor: string): After {
  try {
    const { t, c, s } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if ((t === 'CONTAINER' || t === 'SAMPLE') && typeof c === 'string' && Number.isSafeInteger(s)) {
      return { entityType: t, code: c, lastSeenAt: s as number };
    }
  } catch {}
  throw badUserInput('after', 'after must be the cursor of a code from a previous page');
}

export const ingestQueries = {
  ingestStats: (_: unknown, _args: unknown, ctx: TwinContext) => ctx.store.ingestStats(),
  deadLetters: (_: unknown, args: { first?: number | null }, ctx: TwinContext) =>
    ctx.store.deadLetters(pageSize('first', args.first, 100, 1000)),
  async unregisteredCodes(_: unknown, args: { first?: number | null; after?: string | null }, ctx: TwinContext) {
    const first = pageSize('first', args.first, 100, 1000);
    const page = await ctx.store.unregistered({ first, ...(args.after ? { after: afterCursor(args.after) } : {}) });
    return page.map((entry) => ({ ...entry, cursor: cursorOf(entry) }));
  },
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
