import { badUserInput, notFound } from '@bst/subgraph-kit';
import { asc, eq, inArray, or, type SQL } from 'drizzle-orm';
import { rethrowConstraintViolation } from '../db/constraintViolation.ts';
import type { DB } from '../db/index.ts';
import { type SiteRow, sites } from '../db/schema.ts';
import { checkCode, checkText } from '../domain/codeRules.ts';
import type { AuditLogRepository } from './AuditLogRepository.ts';
import { isUuid } from './isUuid.ts';
import { withoutUndefined } from './withoutUndefined.ts';

export interface NewSite {
  code: string;
  name: string;
  city?: string | null;
  country?: string | null;
  lat?: number | null;
  lng?: number | null;
}

export type SitePatch = Partial<Omit<NewSite, 'code'>>;

export class SiteRepository {
  constructor(
    private readonly db: DB,
    private readonly audit: AuditLogRepository,
  ) {}

  list(): Promise<SiteRow[]> {
    return this.db.select().from(sites).orderBy(asc(sites.code));
  }

  /** One statement for any mix of ids and codes. */
  async findByKeys(ids: readonly string[], codes: readonly string[]): Promise<SiteRow[]> {
    const conditions: SQL[] = [];
    const validIds = ids.filter(isUuid);
    if (validIds.length > 0) conditions.push(inArray(sites.id, validIds));
    if (codes.length > 0) conditions.push(inArray(sites.code, [...codes]));
    if (conditions.length === 0) return [];
    return this.db
      .select()
      .from(sites)
      .where(or(...conditions));
  }

  async create(actor: string, input: NewSite): Promise<SiteRow> {
    const values = {
      ...input,
      code: checkCode('input.code', input.code),
      name: checkText('input.name', input.name),
    };
    checkLocation(values.lat, values.lng);
    try {
      return await this.db.transaction(async (tx) => {
        const [site] = await tx.insert(sites).values(values).returning();
        await this.audit.append(tx, {
          actor,
          entityType: 'Site',
          entityId: site!.id,
          action: 'create',
          before: null,
          after: site,
        });
        return site!;
      });
    } catch (error) {
      rethrowConstraintViolation(error, { sites_code_unique: 'input.code' });
    }
  }

  async update(actor: string, code: string, patch: SitePatch): Promise<SiteRow> {
    if (patch.name !== undefined && patch.name !== null) patch.name = checkText('input.name', patch.name);
    return this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(sites).where(eq(sites.code, code)).for('update');
      if (!before) throw notFound('code', `No site ${code}`);
      const next = { ...before, ...withoutUndefined(patch), name: patch.name ?? before.name, updatedAt: new Date() };
      checkLocation(next.lat, next.lng);
      const [after] = await tx
        .update(sites)
        .set({
          name: next.name,
          city: next.city,
          country: next.country,
          lat: next.lat,
          lng: next.lng,
          updatedAt: next.updatedAt,
        })
        .where(eq(sites.id, before.id))
        .returning();
      await this.audit.append(tx, { actor, entityType: 'Site', entityId: before.id, action: 'update', before, after });
      return after!;
    });
  }
}

function checkLocation(lat: number | null | undefined, lng: number | null | undefined): void {
  if ((lat === null || lat === undefined) !== (lng === null || lng === undefined)) {
    throw badUserInput(lat === null || lat === undefined ? 'input.lat' : 'input.lng', 'lat and lng go together');
  }
  if (lat !== null && lat !== undefined && (lat < -90 || lat > 90))
    throw badUserInput('input.lat', 'lat must be within ±90');
  if (lng !== null && lng !== undefined && (lng < -180 || lng > 180))
    throw badUserInput('input.lng', 'lng must be within ±180');
}
