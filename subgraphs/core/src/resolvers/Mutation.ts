import type { CoreContext } from '../context.ts';
import type { ContainerPatch, NewContainer } from '../repositories/ContainerRepository.ts';
import type { NewAliquot, NewSample, SamplePatch } from '../repositories/SampleRepository.ts';
import type { NewShipment } from '../repositories/ShipmentRepository.ts';
import type { NewSite, SitePatch } from '../repositories/SiteRepository.ts';
import type { NewStorageProfile, StorageProfilePatch } from '../repositories/StorageProfileRepository.ts';

/** Role per the contract: admin shapes the catalog, operator moves things, every write is audited as the caller. */
export const Mutation = {
  createSite(_: unknown, { input }: { input: NewSite }, ctx: CoreContext) {
    return ctx.repos.sites.create(ctx.identity.subject, input);
  },
  updateSite(_: unknown, { code, input }: { code: string; input: SitePatch }, ctx: CoreContext) {
    return ctx.repos.sites.update(ctx.identity.subject, code, input);
  },
  createStorageProfile(_: unknown, { input }: { input: NewStorageProfile }, ctx: CoreContext) {
    return ctx.repos.storageProfiles.create(ctx.identity.subject, input);
  },
  updateStorageProfile(_: unknown, { id, input }: { id: string; input: StorageProfilePatch }, ctx: CoreContext) {
    return ctx.repos.storageProfiles.update(ctx.identity.subject, id, input);
  },
  createContainer(_: unknown, { input }: { input: NewContainer }, ctx: CoreContext) {
    return ctx.repos.containers.create(ctx.identity.subject, input);
  },
  updateContainer(_: unknown, { code, input }: { code: string; input: ContainerPatch }, ctx: CoreContext) {
    return ctx.repos.containers.update(ctx.identity.subject, code, input);
  },
  nestContainer(
    _: unknown,
    args: { code: string; parentCode?: string | null; reason?: string | null },
    ctx: CoreContext,
  ) {
    return ctx.repos.containers.nest(ctx.identity.subject, args.code, args.parentCode ?? null, args.reason ?? null);
  },
  registerSample(_: unknown, { input }: { input: NewSample }, ctx: CoreContext) {
    return ctx.repos.samples.register(ctx.identity.subject, input);
  },
  updateSample(_: unknown, { code, input }: { code: string; input: SamplePatch }, ctx: CoreContext) {
    return ctx.repos.samples.update(ctx.identity.subject, code, input);
  },
  aliquotSample(_: unknown, { parentCode, input }: { parentCode: string; input: NewAliquot }, ctx: CoreContext) {
    return ctx.repos.samples.aliquot(ctx.identity.subject, parentCode, input);
  },
  moveSample(_: unknown, args: { code: string; toContainerCode: string; reason?: string | null }, ctx: CoreContext) {
    return ctx.repos.samples.move(ctx.identity.subject, args.code, args.toContainerCode, args.reason ?? null);
  },
  createShipment(_: unknown, { input }: { input: NewShipment }, ctx: CoreContext) {
    return ctx.repos.shipments.create(ctx.identity.subject, input);
  },
  dispatchShipment(_: unknown, args: { reference: string; at?: Date | null }, ctx: CoreContext) {
    return ctx.repos.shipments.dispatch(ctx.identity.subject, args.reference, args.at ?? null);
  },
  receiveShipment(_: unknown, args: { reference: string; at?: Date | null }, ctx: CoreContext) {
    return ctx.repos.shipments.receive(ctx.identity.subject, args.reference, args.at ?? null);
  },
  cancelShipment(_: unknown, args: { reference: string; reason?: string | null }, ctx: CoreContext) {
    return ctx.repos.shipments.cancel(ctx.identity.subject, args.reference, args.reason ?? null);
  },
};
