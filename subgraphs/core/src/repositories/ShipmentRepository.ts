import { badUserInput, conflict, notFound } from '@bst/subgraph-kit';
import { and, asc, count, eq, gt, inArray, or, type SQL } from 'drizzle-orm';
import { rethrowConstraintViolation } from '../db/constraintViolation.ts';
import type { DB, Tx } from '../db/index.ts';
import { containers, type ShipmentRow, shipmentContainers, shipments, sites } from '../db/schema.ts';
import { checkCode } from '../domain/codeRules.ts';
import { nextShipmentStatus } from '../domain/shipmentLifecycle.ts';
import { decodeCursor, pageSize, toConnection } from '../pagination/cursor.ts';
import type { AuditLogRepository } from './AuditLogRepository.ts';
import { siteIdFor } from './ContainerRepository.ts';
import type { CustodyEventRepository } from './CustodyEventRepository.ts';
import { isUuid } from './isUuid.ts';

type Status = ShipmentRow['status'];

export interface ShipmentFilter {
  status?: Status | null;
  originCode?: string | null;
  destinationCode?: string | null;
  containerCode?: string | null;
}

export interface NewShipment {
  reference: string;
  originCode: string;
  destinationCode: string;
  containerCodes: string[];
  plannedDepartureAt?: Date | null;
  plannedArrivalAt?: Date | null;
}

export class ShipmentRepository {
  constructor(
    private readonly db: DB,
    private readonly audit: AuditLogRepository,
    private readonly custody: CustodyEventRepository,
  ) {}

  async list(args: { first?: number | null; after?: string | null; filter?: ShipmentFilter | null }) {
    const size = pageSize(args.first);
    const where = this.filterCondition(args.filter ?? {});
    const after = args.after ? decodeCursor(args.after, 'string') : null;
    const rows = await this.db
      .select()
      .from(shipments)
      .where(after === null ? where : and(where, gt(shipments.reference, after)))
      .orderBy(asc(shipments.reference))
      .limit(size + 1);
    return toConnection(
      rows,
      size,
      (row) => row.reference,
      async () => (await this.db.select({ n: count() }).from(shipments).where(where))[0]?.n ?? 0,
    );
  }

  private filterCondition(f: ShipmentFilter): SQL | undefined {
    const conditions: SQL[] = [];
    const siteId = (code: string) => this.db.select({ id: sites.id }).from(sites).where(eq(sites.code, code));
    if (f.status) conditions.push(eq(shipments.status, f.status));
    if (f.originCode) conditions.push(inArray(shipments.originSiteId, siteId(f.originCode)));
    if (f.destinationCode) conditions.push(inArray(shipments.destinationSiteId, siteId(f.destinationCode)));
    if (f.containerCode) {
      const carrying = this.db
        .select({ id: shipmentContainers.shipmentId })
        .from(shipmentContainers)
        .innerJoin(containers, eq(containers.id, shipmentContainers.containerId))
        .where(eq(containers.code, f.containerCode));
      conditions.push(inArray(shipments.id, carrying));
    }
    return and(...conditions);
  }

  async findByKeys(ids: readonly string[], references: readonly string[]): Promise<ShipmentRow[]> {
    const conditions: SQL[] = [];
    const validIds = ids.filter(isUuid);
    if (validIds.length > 0) conditions.push(inArray(shipments.id, validIds));
    if (references.length > 0) conditions.push(inArray(shipments.reference, [...references]));
    if (conditions.length === 0) return [];
    return this.db
      .select()
      .from(shipments)
      .where(or(...conditions));
  }

  async create(actor: string, input: NewShipment): Promise<ShipmentRow> {
    const reference = checkCode('input.reference', input.reference);
    if (input.containerCodes.length === 0)
      throw badUserInput('input.containerCodes', 'A shipment carries at least one container');
    if (input.originCode === input.destinationCode) {
      throw badUserInput('input.destinationCode', 'Destination must differ from origin');
    }
    if (input.plannedDepartureAt && input.plannedArrivalAt && input.plannedArrivalAt <= input.plannedDepartureAt) {
      throw badUserInput('input.plannedArrivalAt', 'Planned arrival must be after planned departure');
    }
    try {
      return await this.db.transaction(async (tx) => {
        const originSiteId = await siteIdFor(tx, input.originCode, 'input.originCode');
        const destinationSiteId = await siteIdFor(tx, input.destinationCode, 'input.destinationCode');
        const carried = await tx
          .select()
          .from(containers)
          .where(inArray(containers.code, input.containerCodes))
          .for('update');
        const missing = input.containerCodes.filter((code) => !carried.some((c) => c.code === code));
        if (missing.length > 0) throw notFound('input.containerCodes', `No container ${missing.join(', ')}`);
        const elsewhere = carried.filter((c) => c.siteId !== originSiteId);
        if (elsewhere.length > 0) {
          throw badUserInput(
            'input.containerCodes',
            `${elsewhere.map((c) => c.code).join(', ')} not at ${input.originCode}`,
          );
        }
        const busy = await tx
          .select({ code: containers.code, reference: shipments.reference })
          .from(shipmentContainers)
          .innerJoin(shipments, eq(shipments.id, shipmentContainers.shipmentId))
          .innerJoin(containers, eq(containers.id, shipmentContainers.containerId))
          .where(
            and(
              inArray(
                shipmentContainers.containerId,
                carried.map((c) => c.id),
              ),
              inArray(shipments.status, ['PLANNED', 'IN_TRANSIT']),
            ),
          );
        if (busy.length > 0) {
          throw conflict('input.containerCodes', `${busy.map((b) => `${b.code} is on ${b.reference}`).join('; ')}`);
        }
        const [shipment] = await tx
          .insert(shipments)
          .values({
            reference,
            originSiteId,
            destinationSiteId,
            plannedDepartureAt: input.plannedDepartureAt ?? null,
            plannedArrivalAt: input.plannedArrivalAt ?? null,
          })
          .returning();
        await tx
          .insert(shipmentContainers)
          .values(carried.map((c) => ({ shipmentId: shipment!.id, containerId: c.id })));
        await this.audit.append(tx, {
          actor,
          entityType: 'Shipment',
          entityId: shipment!.id,
          action: 'create',
          before: null,
          after: { ...shipment, containerCodes: input.containerCodes },
        });
        return shipment!;
      });
    } catch (error) {
      rethrowConstraintViolation(error, { shipments_reference_unique: 'input.reference' });
    }
  }

  /** The containers (and everything nested in them) leave the origin site and are in transit. */
  dispatch(actor: string, reference: string, at: Date | null): Promise<ShipmentRow> {
    return this.transition(actor, reference, 'dispatch', async (tx, shipment, top) => {
      const when = at ?? new Date();
      if (when < shipment.createdAt) throw badUserInput('at', 'Dispatch cannot precede the shipment being planned');
      const ids = await withDescendants(
        tx,
        top.map((c) => c.id),
      );
      await tx
        .update(containers)
        .set({ status: 'IN_TRANSIT', updatedAt: new Date() })
        .where(inArray(containers.id, ids));
      const origin = await siteCode(tx, shipment.originSiteId);
      await this.custody.append(
        tx,
        top.map((c) => ({
          subjectType: 'CONTAINER' as const,
          subjectId: c.id,
          subjectCode: c.code,
          fromSiteCode: origin,
          shipmentReference: shipment.reference,
          reason: 'dispatched',
          actor,
          at: when,
        })),
      );
      return { dispatchedAt: when };
    });
  }

  /** The containers (and everything nested in them) arrive at the destination site and are idle there. */
  receive(actor: string, reference: string, at: Date | null): Promise<ShipmentRow> {
    return this.transition(actor, reference, 'receive', async (tx, shipment, top) => {
      const when = at ?? new Date();
      if (shipment.dispatchedAt && when < shipment.dispatchedAt) {
        throw badUserInput('at', 'Receipt cannot precede dispatch');
      }
      const ids = await withDescendants(
        tx,
        top.map((c) => c.id),
      );
      await tx
        .update(containers)
        .set({ status: 'IDLE', siteId: shipment.destinationSiteId, updatedAt: new Date() })
        .where(inArray(containers.id, ids));
      const destination = await siteCode(tx, shipment.destinationSiteId);
      await this.custody.append(
        tx,
        top.map((c) => ({
          subjectType: 'CONTAINER' as const,
          subjectId: c.id,
          subjectCode: c.code,
          toSiteCode: destination,
          shipmentReference: shipment.reference,
          reason: 'received',
          actor,
          at: when,
        })),
      );
      return { receivedAt: when };
    });
  }

  cancel(actor: string, reference: string, reason: string | null): Promise<ShipmentRow> {
    return this.transition(actor, reference, 'cancel', async () => ({}), reason);
  }

  private async transition(
    actor: string,
    reference: string,
    action: 'dispatch' | 'receive' | 'cancel',
    apply: (tx: Tx, shipment: ShipmentRow, top: { id: string; code: string }[]) => Promise<Partial<ShipmentRow>>,
    reason: string | null = null,
  ): Promise<ShipmentRow> {
    return this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(shipments).where(eq(shipments.reference, reference)).for('update');
      if (!before) throw notFound('reference', `No shipment ${reference}`);
      const status = nextShipmentStatus(before.status, action);
      const top = await tx
        .select({ id: containers.id, code: containers.code })
        .from(shipmentContainers)
        .innerJoin(containers, eq(containers.id, shipmentContainers.containerId))
        .where(eq(shipmentContainers.shipmentId, before.id));
      const times = await apply(tx, before, top);
      const [after] = await tx
        .update(shipments)
        .set({ ...times, status, updatedAt: new Date() })
        .where(eq(shipments.id, before.id))
        .returning();
      await this.audit.append(tx, {
        actor,
        entityType: 'Shipment',
        entityId: before.id,
        action,
        before,
        after: reason ? { ...after, reason } : after,
      });
      return after!;
    });
  }
}

/** The given containers and everything nested inside them, one query per nesting level. */
async function withDescendants(tx: Tx, ids: string[]): Promise<string[]> {
  const all = new Set(ids);
  for (let level = ids; level.length > 0; ) {
    const children = await tx.select({ id: containers.id }).from(containers).where(inArray(containers.parentId, level));
    level = children.map((c) => c.id).filter((id) => !all.has(id));
    for (const id of level) all.add(id);
  }
  return [...all];
}

async function siteCode(tx: Tx, id: string): Promise<string | null> {
  const [row] = await tx.select({ code: sites.code }).from(sites).where(eq(sites.id, id));
  return row?.code ?? null;
}
