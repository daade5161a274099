import { type CustodyInterval, exposure, type Reading } from '@bst/coldchain';
import { badUserInput } from '@bst/subgraph-kit';
import type { TwinContext } from '../context.ts';
import { checkRetention } from './history.ts';
import { complianceShape } from './shapes.ts';
import { type RecordArgs, recordOfSample } from './temperatureRecord.ts';

/** The representation the gateway sends: core's custody intervals ride along thanks to @requires (DateTimes as text). */
interface SampleRef {
  code: string;
  custodyIntervals?: { containerCode: string; from: string; to: string | null }[];
}

function intervalsOf(sample: SampleRef): CustodyInterval[] {
  return (sample.custodyIntervals ?? []).map((i) => ({
    containerCode: i.containerCode,
    from: Date.parse(i.from),
    to: i.to === null ? null : Date.parse(i.to),
  }));
}

export const sampleResolvers = {
  __resolveReference: (ref: SampleRef): SampleRef => ref,

  async exposure(sample: SampleRef, args: { since?: Date | null; until?: Date | null }, ctx: TwinContext) {
    const profile = (await ctx.catalog())?.profileOf({ entityType: 'SAMPLE', code: sample.code }) ?? null;
    if (!profile) return null;
    const intervals = intervalsOf(sample);
    let window: { since: number; until: number } | undefined;
    if (args.since || args.until) {
      const since = args.since?.getTime() ?? Math.min(...intervals.map((i) => i.from), ctx.now());
      const until = args.until?.getTime() ?? ctx.now();
      if (since > until) throw badUserInput('since', 'since must not be after until');
      window = { since, until };
    }
    const end = window?.until ?? ctx.now();
    const start = window?.since ?? Math.min(...intervals.map((i) => i.from), end);
    checkRetention(ctx, { since: start, until: end });
    // Each container's readings over the sample's custody (and the staleness before it): hot window and archive.
    const staleMs = profile.staleAfterSeconds * 1000;
    const hops = intervals.map((i) => ({
      entity: { entityType: 'CONTAINER' as const, code: i.containerCode },
      from: Math.max(i.from, start) - staleMs,
      to: Math.min(i.to ?? end, end),
    }));
    const histories = await ctx.history.ranges(hops);
    const readingsByContainer: Record<string, Reading[]> = {};
    hops.forEach((hop, i) => {
      readingsByContainer[hop.entity.code] = [...(readingsByContainer[hop.entity.code] ?? []), ...(histories[i] ?? [])];
    });
    const figures = exposure(intervals, readingsByContainer, profile, window);
    return {
      ...complianceShape(figures, profile),
      hops: figures.hops.map((hop) => ({ ...hop, container: { code: hop.containerCode } })),
    };
  },

  temperatureRecord(sample: SampleRef, args: RecordArgs, ctx: TwinContext) {
    return recordOfSample(ctx, sample.code, intervalsOf(sample), args);
  },
};
