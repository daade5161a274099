import { badUserInput, notFound } from '@bst/subgraph-kit';
import { and, asc, count, eq, gt, ilike, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { rethrowConstraintViolation } from '../db/constraintViolation.ts';
import type { DB, Tx } from '../db/index.ts';
import { type ContainerRow, containers, type SiteRow, shipmentContainers, sites } from '../db/schema.ts';
import { checkCode } from '../domain/codeRules.ts';
import { decodeCursor, pageSize, toConnection } from '../pagination/cursor.ts';
import type { AuditLogRepository } from './AuditLogRepository.ts';
import type { CustodyEventRepository } from './CustodyEventRepository.ts';
import { isUuid } from './isUuid.ts';
import { profileIdFor } from './StorageProfileRepository.ts';
import { withoutUndefined } from './withoutUndefined.ts';

type Kind = ContainerRow['kind'];
type Status = ContainerRow['status'];

export interface ContainerFilter {
  kind?: Kind | null;
  status?: Status | null;
  siteCode?: string | null;
  parentCode?: string | null;
  topLevel?: boolean | null;
  search?: string | null;
}

export interface NewContainer {
  code: string;
  kind: Kind;
  label?: string | null;
  status?: Status | null;
  siteCode?: string | null;
  storageProfileId?: string | null;
  parentCode?: string | null;
}

export interface ContainerPatch {
  label?: string | null;
  status?: Status | null;
  siteCode?: string | null;
  storageProfileId?: string | null;
}

export class ContainerRepository {
  // Built once: Drizzle spends ~0.3 ms of CPU building a statement, more than Postgres spends answering this one.
  private readonly keysWithSites;

  constructor(
    private readonly db: DB,
    private readonly audit: AuditLogRepository,
    private readonly custody: CustodyEventRepository,
  ) {
    this.keysWithSites = db
      .select({ container: containers, site: sites })
      .from(containers)
      .leftJoin(sites, eq(sites.id, containers.siteId))
      .where(
        or(
          sql`${containers.id} = any(${sql.placeholder('ids')})`,
          sql`${containers.code} = any(${sql.placeholder('codes')})`,
        ),
      )
      .prepare('container_keys_with_site');
  }

  async list(args: { first?: number | null; after?: string | null; filter?: ContainerFilter | null }) {
    const size = pageSize(args.first);
    const where = this.filterCondition(args.filter ?? {});
    const after = args.after ? decodeCursor(args.after, 'string') : null;
    const rows = await this.db
      .select()
      .from(containers)
      .where(after === null ? where : and(where, gt(containers.code, after)))
      .orderBy(asc(containers.code))
      .limit(size + 1);
    return toConnection(
      rows,
      size,
      (row) => row.code,
      async () => (await this.db.select({ n: count() }).from(containers).where(where))[0]?.n ?? 0,
    );
  }

  private filterCondition(f: ContainerFilter): SQL | undefined {
    const conditions: SQL[] = [];
    if (f.kind) conditions.push(eq(containers.kind, f.kind));
    if (f.status) conditions.push(eq(containers.status, f.status));
    if (f.siteCode) {
      conditions.push(
        inArray(containers.siteId, this.db.select({ id: sites.id }).from(sites).where(eq(sites.code, f.siteCode))),
      );
    }
    if (f.parentCode) {
      const parent = this.db.select({ id: containers.id }).from(containers).where(eq(containers.code, f.parentCode));
      conditions.push(inArray(containers.parentId, parent));
    }
    if (f.topLevel) conditions.push(isNull(containers.parentId));
    if (f.search) {
      const pattern = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(or(ilike(containers.code, pattern), ilike(containers.label, pattern))!);
    }
    return and(...conditions);
  }

  /** One statement for any mix of ids and codes (federation keys). */
  async findByKeys(ids: readonly string[], codes: readonly string[], tx: DB | Tx = this.db): Promise<ContainerRow[]> {
    const where = keysCondition(ids, codes);
    if (!where) return [];
    return tx.select().from(containers).where(where);
  }

  /** The same lookup with each container's site in the same statement: hydration asks for the site next. */
  async findByKeysWithSites(
    ids: readonly string[],
    codes: readonly string[],
  ): Promise<{ container: ContainerRow; site: SiteRow | null }[]> {
    const validIds = ids.filter(isUuid);
    if (validIds.length === 0 && codes.length === 0) return [];
    return this.keysWithSites.execute({ ids: validIds, codes: [...codes] });
  }

  async findByParentIds(parentIds: readonly string[]): Promise<ContainerRow[]> {
    return this.db
      .select()
      .from(containers)
      .where(inArray(containers.parentId, [...parentIds]))
      .orderBy(asc(containers.code));
  }

  async findBySiteIds(siteIds: readonly string[]): Promise<ContainerRow[]> {
    return this.db
      .select()
      .from(containers)
      .where(inArray(containers.siteId, [...siteIds]))
      .orderBy(asc(containers.code));
  }

  async findByShipmentIds(shipmentIds: readonly string[]): Promise<(ContainerRow & { shipmentId: string })[]> {
    const rows = await this.db
      .select({ container: containers, shipmentId: shipmentContainers.shipmentId })
      .from(shipmentContainers)
      .innerJoin(containers, eq(containers.id, shipmentContainers.containerId))
      .where(inArray(shipmentContainers.shipmentId, [...shipmentIds]))
      .orderBy(asc(containers.code));
    return rows.map((r) => ({ ...r.container, shipmentId: r.shipmentId }));
  }

  async create(actor: string, input: NewContainer): Promise<ContainerRow> {
    const code = checkCode('input.code', input.code);
    try {
      return await this.db.transaction(async (tx) => {
        const siteId = input.siteCode ? await siteIdFor(tx, input.siteCode, 'input.siteCode') : null;
        const storageProfileId = input.storageProfileId
          ? await profileIdFor(tx, input.storageProfileId, 'input.storageProfileId')
          : null;
        const parent = input.parentCode ? await lockContainer(tx, input.parentCode, 'input.parentCode') : null;
        const [container] = await tx
          .insert(containers)
          .values({
            code,
            kind: input.kind,
            label: input.label ?? null,
            status: input.status ?? 'IDLE',
            siteId: siteId ?? parent?.siteId ?? null,
            storageProfileId,
            parentId: parent?.id ?? null,
          })
          .returning();
        await this.audit.append(tx, {
          actor,
          entityType: 'Container',
          entityId: container!.id,
          action: 'create',
          before: null,
          after: container,
        });
        return container!;
      });
    } catch (error) {
      rethrowConstraintViolation(error, { containers_code_unique: 'input.code' });
    }
  }

  async update(actor: string, code: string, patch: ContainerPatch): Promise<ContainerRow> {
    return this.db.transaction(async (tx) => {
      const before = await lockContainer(tx, code, 'code');
      const changes = withoutUndefined(patch);
      const set: Partial<ContainerRow> = { updatedAt: new Date() };
      if ('label' in changes) set.label = changes.label ?? null;
      if (changes.status) set.status = changes.status;
      if ('siteCode' in changes)
        set.siteId = changes.siteCode ? await siteIdFor(tx, changes.siteCode, 'input.siteCode') : null;
      if ('storageProfileId' in changes) {
        set.storageProfileId = changes.storageProfileId
          ? await profileIdFor(tx, changes.storageProfileId, 'input.storageProfileId')
          : null;
      }
      const [after] = await tx.update(containers).set(set).where(eq(containers.id, before.id)).returning();
      await this.audit.append(tx, {
        actor,
        entityType: 'Container',
        entityId: before.id,
        action: 'update',
        before,
        after,
      });
      return after!;
    });
  }

  /** Puts a container inside another (it takes the parent's site) or, with no parent, takes it out. */
  async nest(actor: string, code: string, parentCode: string | null, reason: string | null): Promise<ContainerRow> {
    return this.db.transaction(async (tx) => {
      const before = await lockContainer(tx, code, 'code');
      const parent = parentCode ? await lockContainer(tx, parentCode, 'parentCode') : null;
      if (parent) await refuseCycle(tx, before.id, parent.id);
      const [after] = await tx
        .update(containers)
        .set({ parentId: parent?.id ?? null, siteId: parent ? parent.siteId : before.siteId, updatedAt: new Date() })
        .where(eq(containers.id, before.id))
        .returning();
      const codes = await codesFor(tx, [before.parentId, before.siteId, after!.siteId]);
      await this.custody.append(tx, [
        {
          subjectType: 'CONTAINER',
          subjectId: before.id,
          subjectCode: before.code,
          fromContainerCode: codes.container(before.parentId),
          toContainerCode: parent?.code ?? null,
          fromSiteCode: codes.site(before.siteId),
          toSiteCode: codes.site(after!.siteId),
          reason,
          actor,
        },
      ]);
      await this.audit.append(tx, {
        actor,
        entityType: 'Container',
        entityId: before.id,
        action: 'nest',
        before,
        after,
      });
      return after!;
    });
  }
}

/** Locks the row so that concurrent moves of the same container serialise. */
export async function lockContainer(tx: Tx, code: string, field: string): Promise<ContainerRow> {
  const [row] = await tx.select().from(containers).where(eq(containers.code, code)).for('update');
  if (!row) throw notFound(field, `No container ${code}`);
  return row;
}

export async function siteIdFor(tx: Tx, code: string, field: string): Promise<string> {
  const [row] = await tx.select({ id: sites.id }).from(sites).where(eq(sites.code, code));
  if (!row) throw notFound(field, `No site ${code}`);
  return row.id;
}

async function refuseCycle(tx: Tx, movingId: string, parentId: string): Promise<void> {
  for (let at: string | null = parentId, depth = 0; at && depth < 64; depth++) {
    if (at === movingId)
      throw badUserInput('parentCode', 'A container cannot be nested inside itself or its own contents');
    const [row] = await tx.select({ parentId: containers.parentId }).from(containers).where(eq(containers.id, at));
    at = row?.parentId ?? null;
  }
}

/** Codes for the ids a custody event names (custody keeps codes: they are what people and devices use). */
export async function codesFor(tx: Tx, ids: (string | null)[]) {
  const wanted = ids.filter((id): id is string => id !== null);
  const [containerRows, siteRows] =
    wanted.length === 0
      ? [[], []]
      : await Promise.all([
          tx
            .select({ id: containers.id, code: containers.code })
            .from(containers)
            .where(inArray(containers.id, wanted)),
          tx.select({ id: sites.id, code: sites.code }).from(sites).where(inArray(sites.id, wanted)),
        ]);
  const containerCodes = new Map(containerRows.map((r) => [r.id, r.code]));
  const siteCodes = new Map(siteRows.map((r) => [r.id, r.code]));
  return {
    container: (id: string | null) => (id ? (containerCodes.get(id) ?? null) : null),
    site: (id: string | null) => (id ? (siteCodes.get(id) ?? null) : null),
  };
}

function keysCondition(ids: readonly string[], codes: readonly string[]): SQL | undefined {
  const conditions: SQL[] = [];
  const validIds = ids.filter(isUuid);
  if (validIds.length > 0) conditions.push(inArray(containers.id, validIds));
  if (codes.length > 0) conditions.push(inArray(containers.code, [...codes]));
  return conditions.length === 0 ? undefined : or(...conditions);
}
