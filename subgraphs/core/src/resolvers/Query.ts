import type { CoreContext } from '../context.ts';
import type { AuditLogFilter } from '../repositories/AuditLogRepository.ts';
import type { ContainerFilter } from '../repositories/ContainerRepository.ts';
import type { SampleFilter } from '../repositories/SampleRepository.ts';
import type { ShipmentFilter } from '../repositories/ShipmentRepository.ts';
import { entityKey } from './entityKey.ts';

interface KeyArgs {
  id?: string | null;
  code?: string | null;
}
interface PageArgs<F> {
  first?: number | null;
  after?: string | null;
  filter?: F | null;
}

export const Query = {
  container(_: unknown, args: KeyArgs, ctx: CoreContext) {
    return ctx.loaders.container.load(entityKey(args));
  },
  containers(_: unknown, args: PageArgs<ContainerFilter>, ctx: CoreContext) {
    return ctx.repos.containers.list(args);
  },
  sample(_: unknown, args: KeyArgs, ctx: CoreContext) {
    return ctx.loaders.sample.load(entityKey(args));
  },
  samples(_: unknown, args: PageArgs<SampleFilter>, ctx: CoreContext) {
    return ctx.repos.samples.list(args);
  },
  shipment(_: unknown, args: { id?: string | null; reference?: string | null }, ctx: CoreContext) {
    return ctx.loaders.shipment.load(entityKey({ id: args.id, code: args.reference }, 'reference'));
  },
  shipments(_: unknown, args: PageArgs<ShipmentFilter>, ctx: CoreContext) {
    return ctx.repos.shipments.list(args);
  },
  site(_: unknown, args: KeyArgs, ctx: CoreContext) {
    return ctx.loaders.site.load(entityKey(args));
  },
  sites(_: unknown, __: unknown, ctx: CoreContext) {
    return ctx.repos.sites.list();
  },
  async storageProfile(_: unknown, args: { id?: string | null; name?: string | null }, ctx: CoreContext) {
    if (args.id) return ctx.loaders.storageProfile.load(args.id);
    if (args.name) return (await ctx.repos.storageProfiles.findByName(args.name)) ?? null;
    return null;
  },
  storageProfiles(_: unknown, __: unknown, ctx: CoreContext) {
    return ctx.repos.storageProfiles.list();
  },
  auditLog(_: unknown, args: PageArgs<AuditLogFilter>, ctx: CoreContext) {
    return ctx.repos.auditLog.list(args);
  },
  catalogVersion(_: unknown, __: unknown, ctx: CoreContext) {
    return ctx.repos.catalog.version();
  },
  monitoringCatalog(_: unknown, __: unknown, ctx: CoreContext) {
    return ctx.repos.catalog.snapshot();
  },
};
