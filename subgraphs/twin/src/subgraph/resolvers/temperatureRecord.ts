import { type Compliance, type CustodyInterval, exposure, type StorageProfile, type Window } from '@bst/coldchain';
import { badUserInput, notFound } from '@bst/subgraph-kit';
import {
  buildTemperatureRecord,
  type RecordResolution,
  type RecordSection,
  type RecordSubjectType,
} from '../../report/buildTemperatureRecord.ts';
import type { EntityRef } from '../../store/index.ts';
import type { TwinContext } from '../context.ts';
import { timeWindow } from './arguments.ts';
import { alertsWithTransitions, checkRetention, complianceOf } from './history.ts';

export interface RecordArgs {
  since?: Date | null;
  until?: Date | null;
  resolution?: RecordResolution | null;
}

const container = (code: string): EntityRef => ({ entityType: 'CONTAINER', code });

async function profileOf(ctx: TwinContext, entity: EntityRef): Promise<StorageProfile | null> {
  return (await ctx.catalog())?.profileOf(entity) ?? null;
}

/** One container over [from, to]: its readings (and those still holding at `from`), figures and alerts. */
async function sectionOf(
  ctx: TwinContext,
  code: string,
  profile: StorageProfile,
  from: number,
  to: number,
): Promise<RecordSection> {
  const entity = container(code);
  const [readings, summary, alerts] = await Promise.all([
    ctx.history.range(entity, from - profile.staleAfterSeconds * 1000 + 1, to),
    complianceOf(ctx, entity, profile, { since: from, until: to }),
    alertsWithTransitions(ctx, entity, from, to),
  ]);
  return { containerCode: code, from, to, profile, readings, summary, alerts };
}

function shape(
  subjectType: RecordSubjectType,
  subjectCode: string,
  window: Window,
  resolution: RecordResolution,
  profile: StorageProfile | null,
  summary: Compliance | null,
  sections: RecordSection[],
) {
  const text = buildTemperatureRecord({
    subjectType,
    subjectCode,
    since: window.since,
    until: window.until,
    resolution,
    profile,
    summary,
    sections,
  });
  const figures = summary ?? sections[0]?.summary ?? null;
  return {
    since: window.since,
    until: window.until,
    subjectType,
    subjectCode,
    resolution,
    readings: sections.reduce((n, s) => n + s.summary.readings, 0),
    alertCount: sections.reduce((n, s) => n + s.alerts.length, 0),
    timeInRangePct: summary === null && sections.length !== 1 ? null : (figures?.timeInRangePct ?? null),
    mktC: summary === null && sections.length !== 1 ? null : (figures?.mktC ?? null),
    ...text,
  };
}

export async function recordOfContainer(ctx: TwinContext, code: string, args: RecordArgs) {
  const window = timeWindow(args.since, args.until, ctx.now());
  checkRetention(ctx, window);
  const profile = await profileOf(ctx, container(code));
  if (!profile) throw notFound('temperatureRecord', `${code} has no storage profile to judge its readings by`);
  const section = await sectionOf(ctx, code, profile, window.since, window.until);
  return shape('CONTAINER', code, window, args.resolution ?? 'READINGS', profile, section.summary, [section]);
}

/** Each custody hop inside the window is a section; the summary is the sample's exposure across them. */
export async function recordOfSample(
  ctx: TwinContext,
  code: string,
  intervals: readonly CustodyInterval[],
  args: RecordArgs,
) {
  const profile = await profileOf(ctx, { entityType: 'SAMPLE', code });
  if (!profile) return null;
  const firstHop = Math.min(...intervals.map((i) => i.from), ctx.now());
  const window = timeWindow(args.since ?? new Date(firstHop), args.until, ctx.now());
  checkRetention(ctx, window);
  const hops = intervals
    .map((i) => ({
      code: i.containerCode,
      from: Math.max(i.from, window.since),
      to: Math.min(i.to ?? window.until, window.until),
    }))
    .filter((hop) => hop.from <= hop.to);
  const sections = await Promise.all(hops.map((hop) => sectionOf(ctx, hop.code, profile, hop.from, hop.to)));
  const readingsByContainer = Object.fromEntries(
    [...new Set(hops.map((h) => h.code))].map((c) => [
      c,
      sections.filter((s) => s.containerCode === c).flatMap((s) => [...s.readings]),
    ]),
  );
  const summary = exposure(intervals, readingsByContainer, profile, window);
  return shape('SAMPLE', code, window, args.resolution ?? 'READINGS', profile, summary, sections);
}

/** Every container of the shipment over the window, each judged by its own profile. */
export async function recordOfShipment(
  ctx: TwinContext,
  shipment: { reference: string; containerCodes: string[]; dispatchedAt: number | null; receivedAt: number | null },
  args: RecordArgs,
) {
  const start = args.since ?? (shipment.dispatchedAt === null ? null : new Date(shipment.dispatchedAt));
  if (!start) throw badUserInput('since', `shipment ${shipment.reference} has not been dispatched: give since`);
  const end = args.until ?? (shipment.receivedAt === null ? null : new Date(shipment.receivedAt));
  const window = timeWindow(start, end, ctx.now());
  checkRetention(ctx, window);
  const sections: RecordSection[] = [];
  for (const code of shipment.containerCodes) {
    const profile = await profileOf(ctx, container(code));
    if (profile) sections.push(await sectionOf(ctx, code, profile, window.since, window.until));
  }
  return shape('SHIPMENT', shipment.reference, window, args.resolution ?? 'HOURLY', null, null, sections);
}
