import type { TwinContext } from '../context.ts';
import { pageSize } from './arguments.ts';

export const ingestQueries = {
  ingestStats: (_: unknown, _args: unknown, ctx: TwinContext) => ctx.store.ingestStats(),
  deadLetters: (_: unknown, args: { first?: number | null }, ctx: TwinContext) =>
    ctx.store.deadLetters(pageSize('first', args.first, 100, 1000)),
  unregisteredCodes: (_: unknown, _args: unknown, ctx: TwinContext) => ctx.store.unregistered(),
  cacheStats: (_: unknown, _args: unknown, ctx: TwinContext) => ctx.catalogReader.stats(),
};
