import { badUserInput, notFound } from '@bst/subgraph-kit';
import { and, asc, count, eq, gt, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import { rethrowConstraintViolation } from '../db/constraintViolation.ts';
import type { DB, Tx } from '../db/index.ts';
import { containers, type SampleRow, samples } from '../db/schema.ts';
import { checkCode, checkText } from '../domain/codeRules.ts';
import { decodeCursor, pageSize, toConnection } from '../pagination/cursor.ts';
import type { AuditLogRepository } from './AuditLogRepository.ts';
import { lockContainer } from './ContainerRepository.ts';
import type { CustodyEventRepository } from './CustodyEventRepository.ts';
import { isUuid } from './isUuid.ts';
import { profileIdFor } from './StorageProfileRepository.ts';
import { withoutUndefined } from './withoutUndefined.ts';

type Kind = SampleRow['kind'];
type Status = SampleRow['status'];

export interface SampleFilter {
  kind?: Kind | null;
  status?: Status | null;
  containerCode?: string | null;
  parentCode?: string | null;
  search?: string | null;
}

export interface NewSample {
  code: string;
  name: string;
  description?: string | null;
  kind?: Kind | null;
  status?: Status | null;
  collectedAt?: Date | null;
  containerCode?: string | null;
  storageProfileId?: string | null;
}

export interface SamplePatch {
  name?: string | null;
  description?: string | null;
  kind?: Kind | null;
  status?: Status | null;
  collectedAt?: Date | null;
  storageProfileId?: string | null;
}

export interface NewAliquot {
  code: string;
  name?: string | null;
  description?: string | null;
  containerCode?: string | null;
}

const uniqueFields = { samples_code_unique: 'input.code' };

export class SampleRepository {
  // Built once: a container's samples are on the alert hydration path, where building the statement cost most.
  private readonly byContainerIds;

  constructor(
    private readonly db: DB,
    private readonly audit: AuditLogRepository,
    private readonly custody: CustodyEventRepository,
  ) {
    this.byContainerIds = db
      .select()
      .from(samples)
      .where(sql`${samples.containerId} = any(${sql.placeholder('containerIds')})`)
      .orderBy(asc(samples.code))
      .prepare('samples_by_container_ids');
  }

  async list(args: { first?: number | null; after?: string | null; filter?: SampleFilter | null }) {
    const size = pageSize(args.first);
    const where = this.filterCondition(args.filter ?? {});
    const after = args.after ? decodeCursor(args.after, 'string') : null;
    const rows = await this.db
      .select()
      .from(samples)
      .where(after === null ? where : and(where, gt(samples.code, after)))
      .orderBy(asc(samples.code))
      .limit(size + 1);
    return toConnection(
      rows,
      size,
      (row) => row.code,
      async () => (await this.db.select({ n: count() }).from(samples).where(where))[0]?.n ?? 0,
    );
  }

  private filterCondition(f: SampleFilter): SQL | undefined {
    const conditions: SQL[] = [];
    if (f.kind) conditions.push(eq(samples.kind, f.kind));
    if (f.status) conditions.push(eq(samples.status, f.status));
    if (f.containerCode) {
      const container = this.db
        .select({ id: containers.id })
        .from(containers)
        .where(eq(containers.code, f.containerCode));
      conditions.push(inArray(samples.containerId, container));
    }
    if (f.parentCode) {
      const parent = this.db.select({ id: samples.id }).from(samples).where(eq(samples.code, f.parentCode));
      conditions.push(inArray(samples.parentSampleId, parent));
    }
    if (f.search) {
      const pattern = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(or(ilike(samples.code, pattern), ilike(samples.name, pattern))!);
    }
    return and(...conditions);
  }

  async findByKeys(ids: readonly string[], codes: readonly string[]): Promise<SampleRow[]> {
    const conditions: SQL[] = [];
    const validIds = ids.filter(isUuid);
    if (validIds.length > 0) conditions.push(inArray(samples.id, validIds));
    if (codes.length > 0) conditions.push(inArray(samples.code, [...codes]));
    if (conditions.length === 0) return [];
    return this.db
      .select()
      .from(samples)
      .where(or(...conditions));
  }

  async findByContainerIds(containerIds: readonly string[]): Promise<SampleRow[]> {
    return this.byContainerIds.execute({ containerIds: [...containerIds] });
  }

  async findByParentIds(parentIds: readonly string[]): Promise<SampleRow[]> {
    return this.db
      .select()
      .from(samples)
      .where(inArray(samples.parentSampleId, [...parentIds]))
      .orderBy(asc(samples.code));
  }

  async register(actor: string, input: NewSample): Promise<SampleRow> {
    const code = checkCode('input.code', input.code);
    const name = checkText('input.name', input.name);
    try {
      return await this.db.transaction(async (tx) => {
        const container = input.containerCode
          ? await lockContainer(tx, input.containerCode, 'input.containerCode')
          : null;
        const storageProfileId = input.storageProfileId
          ? await profileIdFor(tx, input.storageProfileId, 'input.storageProfileId')
          : null;
        const [sample] = await tx
          .insert(samples)
          .values({
            code,
            name,
            description: input.description ?? null,
            kind: input.kind ?? 'OTHER',
            status: input.status ?? (container ? 'STORED' : 'COLLECTED'),
            collectedAt: input.collectedAt ?? null,
            containerId: container?.id ?? null,
            storageProfileId,
          })
          .returning();
        await this.recordArrival(tx, actor, sample!, container?.code ?? null, 'registered');
        await this.audit.append(tx, {
          actor,
          entityType: 'Sample',
          entityId: sample!.id,
          action: 'register',
          before: null,
          after: sample,
        });
        return sample!;
      });
    } catch (error) {
      rethrowConstraintViolation(error, uniqueFields);
    }
  }

  async update(actor: string, code: string, patch: SamplePatch): Promise<SampleRow> {
    return this.db.transaction(async (tx) => {
      const before = await lockSample(tx, code, 'code');
      const changes = withoutUndefined(patch);
      const set: Partial<SampleRow> = { updatedAt: new Date() };
      if (changes.name) set.name = checkText('input.name', changes.name);
      if ('description' in changes) set.description = changes.description ?? null;
      if (changes.kind) set.kind = changes.kind;
      if (changes.status) set.status = changes.status;
      if ('collectedAt' in changes) set.collectedAt = changes.collectedAt ?? null;
      if ('storageProfileId' in changes) {
        set.storageProfileId = changes.storageProfileId
          ? await profileIdFor(tx, changes.storageProfileId, 'input.storageProfileId')
          : null;
      }
      const [after] = await tx.update(samples).set(set).where(eq(samples.id, before.id)).returning();
      await this.audit.append(tx, {
        actor,
        entityType: 'Sample',
        entityId: before.id,
        action: 'update',
        before,
        after,
      });
      return after!;
    });
  }

  /** A child sample drawn from a parent: it inherits kind and profile, and starts in the parent's container. */
  async aliquot(actor: string, parentCode: string, input: NewAliquot): Promise<SampleRow> {
    const code = checkCode('input.code', input.code);
    try {
      return await this.db.transaction(async (tx) => {
        const parent = await lockSample(tx, parentCode, 'parentCode');
        const container = input.containerCode
          ? await lockContainer(tx, input.containerCode, 'input.containerCode')
          : parent.containerId
            ? ((await tx.select().from(containers).where(eq(containers.id, parent.containerId)))[0] ?? null)
            : null;
        const [sample] = await tx
          .insert(samples)
          .values({
            code,
            name: input.name ? checkText('input.name', input.name) : `${parent.name} (aliquot)`,
            description: input.description ?? null,
            kind: parent.kind,
            status: container ? 'STORED' : 'PROCESSED',
            collectedAt: parent.collectedAt,
            containerId: container?.id ?? null,
            storageProfileId: parent.storageProfileId,
            parentSampleId: parent.id,
          })
          .returning();
        await this.recordArrival(tx, actor, sample!, container?.code ?? null, `aliquot of ${parent.code}`);
        await this.audit.append(tx, {
          actor,
          entityType: 'Sample',
          entityId: sample!.id,
          action: 'aliquot',
          before: null,
          after: sample,
        });
        return sample!;
      });
    } catch (error) {
      rethrowConstraintViolation(error, uniqueFields);
    }
  }

  /** Custody move: new container, one custody event, one audit entry, all or nothing. */
  async move(actor: string, code: string, toContainerCode: string, reason: string | null): Promise<SampleRow> {
    return this.db.transaction(async (tx) => {
      const before = await lockSample(tx, code, 'code');
      const to = await lockContainer(tx, toContainerCode, 'toContainerCode');
      if (before.containerId === to.id) throw badUserInput('toContainerCode', `${code} is already in ${to.code}`);
      const from = before.containerId
        ? (await tx.select().from(containers).where(eq(containers.id, before.containerId)))[0]
        : undefined;
      const [after] = await tx
        .update(samples)
        .set({ containerId: to.id, updatedAt: new Date() })
        .where(eq(samples.id, before.id))
        .returning();
      await this.custody.append(tx, [
        {
          subjectType: 'SAMPLE',
          subjectId: before.id,
          subjectCode: before.code,
          fromContainerCode: from?.code ?? null,
          toContainerCode: to.code,
          reason,
          actor,
        },
      ]);
      await this.audit.append(tx, { actor, entityType: 'Sample', entityId: before.id, action: 'move', before, after });
      return after!;
    });
  }

  private async recordArrival(tx: Tx, actor: string, sample: SampleRow, containerCode: string | null, reason: string) {
    if (!containerCode) return;
    await this.custody.append(tx, [
      {
        subjectType: 'SAMPLE',
        subjectId: sample.id,
        subjectCode: sample.code,
        toContainerCode: containerCode,
        reason,
        actor,
        at: sample.createdAt,
      },
    ]);
  }
}

async function lockSample(tx: Tx, code: string, field: string): Promise<SampleRow> {
  const [row] = await tx.select().from(samples).where(eq(samples.code, code)).for('update');
  if (!row) throw notFound(field, `No sample ${code}`);
  return row;
}
