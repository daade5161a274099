import type { CoreContext } from '../context.ts';
import type { ContainerRow, SampleRow, StorageProfileRow } from '../db/schema.ts';

/** A container's own profile, else the nearest ancestor's (each level one batched load). */
export async function effectiveContainerProfile(
  container: ContainerRow,
  ctx: CoreContext,
  depth = 0,
): Promise<StorageProfileRow | null> {
  if (container.storageProfileId) return ctx.loaders.storageProfile.load(container.storageProfileId);
  if (!container.parentId || depth > 32) return null;
  const parent = await ctx.loaders.container.load(`id:${container.parentId}`);
  return parent ? effectiveContainerProfile(parent, ctx, depth + 1) : null;
}

/** A sample's own profile, else its container's effective one. */
export async function effectiveSampleProfile(sample: SampleRow, ctx: CoreContext): Promise<StorageProfileRow | null> {
  if (sample.storageProfileId) return ctx.loaders.storageProfile.load(sample.storageProfileId);
  if (!sample.containerId) return null;
  const container = await ctx.loaders.container.load(`id:${sample.containerId}`);
  return container ? effectiveContainerProfile(container, ctx) : null;
}
