import { type CustodyInterval, exposure, type Reading } from '@bst/coldchain';
import { badUserInput } from '@bst/subgraph-kit';
import type { TwinContext } from '../context.ts';
import { complianceShape } from './shapes.ts';

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
    const codes = [...new Set(intervals.map((i) => i.containerCode))];
    const histories = await Promise.all(
      codes.map((code) => ctx.store.readings({ entityType: 'CONTAINER', code }, window ? { until: window.until } : {})),
    );
    const readingsByContainer: Record<string, Reading[]> = Object.fromEntries(codes.map((c, i) => [c, histories[i]!]));
    const figures = exposure(intervals, readingsByContainer, profile, window);
    return {
      ...complianceShape(figures, profile),
      hops: figures.hops.map((hop) => ({ ...hop, container: { code: hop.containerCode } })),
    };
  },
};
