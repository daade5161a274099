import type { CoreContext } from '../context.ts';
import type { AuditEntryRow, ContainerRow, SampleRow, ShipmentRow, SiteRow } from '../db/schema.ts';
import { custodyIntervals } from '../domain/custodyIntervals.ts';
import { effectiveContainerProfile, effectiveSampleProfile } from './effectiveProfile.ts';
import { representationKey } from './entityKey.ts';

type Ref = { id?: string; code?: string };

function resolveReference<T>(
  load: (ctx: CoreContext) => (key: NonNullable<ReturnType<typeof representationKey>>) => Promise<T>,
) {
  return (ref: Ref, ctx: CoreContext) => {
    const key = representationKey(ref);
    return key ? load(ctx)(key) : null;
  };
}

export const Container = {
  __resolveReference: resolveReference((ctx) => (key) => ctx.loaders.container.load(key)),
  site: (c: ContainerRow, _: unknown, ctx: CoreContext) => (c.siteId ? ctx.loaders.site.load(`id:${c.siteId}`) : null),
  storageProfile: (c: ContainerRow, _: unknown, ctx: CoreContext) => effectiveContainerProfile(c, ctx),
  parent: (c: ContainerRow, _: unknown, ctx: CoreContext) =>
    c.parentId ? ctx.loaders.container.load(`id:${c.parentId}`) : null,
  children: (c: ContainerRow, _: unknown, ctx: CoreContext) => ctx.loaders.containersByParent.load(c.id),
  samples: (c: ContainerRow, _: unknown, ctx: CoreContext) => ctx.loaders.samplesByContainer.load(c.id),
};

export const Sample = {
  __resolveReference: resolveReference((ctx) => (key) => ctx.loaders.sample.load(key)),
  container: (s: SampleRow, _: unknown, ctx: CoreContext) =>
    s.containerId ? ctx.loaders.container.load(`id:${s.containerId}`) : null,
  storageProfile: (s: SampleRow, _: unknown, ctx: CoreContext) => effectiveSampleProfile(s, ctx),
  parent: (s: SampleRow, _: unknown, ctx: CoreContext) =>
    s.parentSampleId ? ctx.loaders.sample.load(`id:${s.parentSampleId}`) : null,
  aliquots: (s: SampleRow, _: unknown, ctx: CoreContext) => ctx.loaders.aliquotsByParent.load(s.id),
  custodyEvents: (s: SampleRow, _: unknown, ctx: CoreContext) => ctx.loaders.custodyBySubject.load(s.id),
  custodyIntervals: async (s: SampleRow, _: unknown, ctx: CoreContext) =>
    custodyIntervals(await ctx.loaders.custodyBySubject.load(s.id)),
};

export const Site = {
  __resolveReference: resolveReference((ctx) => (key) => ctx.loaders.site.load(key)),
  location: (s: SiteRow) => (s.lat !== null && s.lng !== null ? { lat: s.lat, lng: s.lng } : null),
  containers: (s: SiteRow, _: unknown, ctx: CoreContext) => ctx.loaders.containersBySite.load(s.id),
};

export const StorageProfile = {
  __resolveReference: (ref: { id: string }, ctx: CoreContext) => ctx.loaders.storageProfile.load(ref.id),
};

export const Shipment = {
  __resolveReference: resolveReference((ctx) => (key) => ctx.loaders.shipment.load(key)),
  origin: (s: ShipmentRow, _: unknown, ctx: CoreContext) => ctx.loaders.site.load(`id:${s.originSiteId}`),
  destination: (s: ShipmentRow, _: unknown, ctx: CoreContext) => ctx.loaders.site.load(`id:${s.destinationSiteId}`),
  containers: (s: ShipmentRow, _: unknown, ctx: CoreContext) => ctx.loaders.containersByShipment.load(s.id),
};

export const CustodyEvent = {
  id: (e: { seq: number }) => String(e.seq),
};

export const AuditEntry = {
  id: (e: AuditEntryRow) => String(e.seq),
};
