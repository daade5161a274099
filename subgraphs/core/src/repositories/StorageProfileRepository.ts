import { notFound } from '@bst/subgraph-kit';
import { asc, eq, inArray } from 'drizzle-orm';
import { rethrowConstraintViolation } from '../db/constraintViolation.ts';
import type { DB, Tx } from '../db/index.ts';
import { type StorageProfileRow, storageProfiles } from '../db/schema.ts';
import { checkText } from '../domain/codeRules.ts';
import { checkStorageProfile } from '../domain/storageProfileRules.ts';
import type { AuditLogRepository } from './AuditLogRepository.ts';
import { isUuid } from './isUuid.ts';
import { withoutUndefined } from './withoutUndefined.ts';

type Kind = StorageProfileRow['kind'];

export interface NewStorageProfile {
  name: string;
  kind: Kind;
  minTempC?: number | null;
  maxTempC?: number | null;
  minHumidityPct?: number | null;
  maxHumidityPct?: number | null;
  excursionDelaySeconds?: number | null;
  hysteresisC?: number | null;
  hysteresisPct?: number | null;
  maxExcursionMinutes?: number | null;
  excursionBudgetMinutes?: number | null;
  staleAfterSeconds?: number | null;
}

export type StorageProfilePatch = Partial<NewStorageProfile>;

/** Defaults for the alarm tuning when a profile leaves it out. */
const tuningDefaults = {
  excursionDelaySeconds: 300,
  hysteresisC: 0.5,
  hysteresisPct: 2,
  maxExcursionMinutes: 30,
  excursionBudgetMinutes: 120,
  staleAfterSeconds: 900,
};

const uniqueFields = { storage_profiles_name_unique: 'input.name' };

export class StorageProfileRepository {
  constructor(
    private readonly db: DB,
    private readonly audit: AuditLogRepository,
  ) {}

  list(): Promise<StorageProfileRow[]> {
    return this.db.select().from(storageProfiles).orderBy(asc(storageProfiles.name));
  }

  async findByIds(ids: readonly string[]): Promise<StorageProfileRow[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return this.db.select().from(storageProfiles).where(inArray(storageProfiles.id, valid));
  }

  async findByName(name: string): Promise<StorageProfileRow | undefined> {
    const [row] = await this.db.select().from(storageProfiles).where(eq(storageProfiles.name, name));
    return row;
  }

  async create(actor: string, input: NewStorageProfile): Promise<StorageProfileRow> {
    const values = {
      name: checkText('input.name', input.name, 80),
      kind: input.kind,
      minTempC: input.minTempC ?? null,
      maxTempC: input.maxTempC ?? null,
      minHumidityPct: input.minHumidityPct ?? null,
      maxHumidityPct: input.maxHumidityPct ?? null,
      excursionDelaySeconds: input.excursionDelaySeconds ?? tuningDefaults.excursionDelaySeconds,
      hysteresisC: input.hysteresisC ?? tuningDefaults.hysteresisC,
      hysteresisPct: input.hysteresisPct ?? tuningDefaults.hysteresisPct,
      maxExcursionMinutes: input.maxExcursionMinutes ?? tuningDefaults.maxExcursionMinutes,
      excursionBudgetMinutes: input.excursionBudgetMinutes ?? tuningDefaults.excursionBudgetMinutes,
      staleAfterSeconds: input.staleAfterSeconds ?? tuningDefaults.staleAfterSeconds,
    };
    checkStorageProfile(values);
    try {
      return await this.db.transaction(async (tx) => {
        const [profile] = await tx.insert(storageProfiles).values(values).returning();
        await this.audit.append(tx, {
          actor,
          entityType: 'StorageProfile',
          entityId: profile!.id,
          action: 'create',
          before: null,
          after: profile,
        });
        return profile!;
      });
    } catch (error) {
      rethrowConstraintViolation(error, uniqueFields);
    }
  }

  async update(actor: string, id: string, patch: StorageProfilePatch): Promise<StorageProfileRow> {
    const changes = withoutUndefined(patch);
    for (const key of ['name', 'kind', ...Object.keys(tuningDefaults)] as const) {
      if (key in changes && changes[key as keyof typeof changes] === null) delete changes[key as keyof typeof changes];
    }
    if (changes.name) changes.name = checkText('input.name', changes.name, 80);
    try {
      return await this.db.transaction(async (tx) => {
        const [before] = isUuid(id)
          ? await tx.select().from(storageProfiles).where(eq(storageProfiles.id, id)).for('update')
          : [];
        if (!before) throw notFound('id', `No storage profile ${id}`);
        const next = { ...before, ...changes } as StorageProfileRow;
        checkStorageProfile(next);
        const { id: _id, createdAt: _created, ...columns } = next;
        const [after] = await tx
          .update(storageProfiles)
          .set({ ...columns, updatedAt: new Date() })
          .where(eq(storageProfiles.id, before.id))
          .returning();
        await this.audit.append(tx, {
          actor,
          entityType: 'StorageProfile',
          entityId: id,
          action: 'update',
          before,
          after,
        });
        return after!;
      });
    } catch (error) {
      rethrowConstraintViolation(error, uniqueFields);
    }
  }
}

/** The id of an existing profile, or NOT_FOUND naming the field that referred to it. */
export async function profileIdFor(tx: Tx, id: string, field: string): Promise<string> {
  const [row] = isUuid(id)
    ? await tx.select({ id: storageProfiles.id }).from(storageProfiles).where(eq(storageProfiles.id, id))
    : [];
  if (!row) throw notFound(field, `No storage profile ${id}`);
  return row.id;
}
