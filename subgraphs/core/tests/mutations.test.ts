import { createTestDatabase, type TestDatabase } from '@bst/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreSubgraph, startCoreSubgraph } from '../src/index.ts';
import { clientFor, people, secret, tableCounts } from './support.ts';

describe('changing the core records', () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  let core: CoreSubgraph;
  let admin: ReturnType<typeof clientFor>;
  let operator: ReturnType<typeof clientFor>;
  let viewer: ReturnType<typeof clientFor>;

  beforeAll(async () => {
    database = await createTestDatabase('core_mutations');
    core = await startCoreSubgraph({ databaseUrl: database.url, gatewaySecret: secret, seed: true });
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
    admin = clientFor(core.url, people.admin);
    operator = clientFor(core.url, people.operator);
    viewer = clientFor(core.url, people.viewer);
  });
  afterAll(async () => {
    await sql?.end();
    await core?.stop();
    await database?.drop();
  });

  it('a custody move writes the new container, one custody event and one audit entry together', async () => {
    const before = await tableCounts(sql);
    const result = await operator(
      'mutation { moveSample(code: "SAMPLE-0001", toContainerCode: "BOX-0002", reason: "re-pack") { code container { code } custodyIntervals { containerCode from to } } }',
    );
    expect(result.errors).toBeUndefined();
    const moved = result.data?.moveSample as {
      container: { code: string };
      custodyIntervals: { containerCode: string; from: string; to: string | null }[];
    };
    expect(moved.container.code).toBe('BOX-0002');
    expect(moved.custodyIntervals.map((i) => i.containerCode)).toEqual(['BOX-0001', 'BOX-0002']);
    expect(moved.custodyIntervals[0]?.to).toBe(moved.custodyIntervals[1]?.from);
    expect(moved.custodyIntervals[1]?.to).toBeNull();

    const after = await tableCounts(sql);
    expect(after).toEqual({ ...before, custody_events: before.custody_events! + 1, audit_log: before.audit_log! + 1 });
    const [event] =
      await sql`select subject_code, from_container_code, to_container_code, actor, reason from custody_events order by seq desc limit 1`;
    expect(event).toEqual({
      subject_code: 'SAMPLE-0001',
      from_container_code: 'BOX-0001',
      to_container_code: 'BOX-0002',
      actor: people.operator.subject,
      reason: 're-pack',
    });
    const [audit] =
      await sql`select actor, entity_type, action, before->>'containerId' as was, after->>'containerId' as now from audit_log order by seq desc limit 1`;
    const [box2] = await sql`select id from containers where code = 'BOX-0002'`;
    expect(audit).toMatchObject({
      actor: people.operator.subject,
      entity_type: 'Sample',
      action: 'move',
      now: box2?.id,
    });
    expect(audit?.was).not.toBe(audit?.now);
  });

  it('a duplicate code is a CONFLICT naming the field, and nothing is written', async () => {
    const before = await tableCounts(sql);
    const result = await admin(
      'mutation { createContainer(input: { code: "BOX-0001", kind: BOX, siteCode: "BER" }) { id } }',
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.code' });
    const sample = await operator('mutation { registerSample(input: { code: "SAMPLE-0002", name: "Again" }) { id } }');
    expect(sample.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.code' });
    expect(await tableCounts(sql)).toEqual(before);
  });

  it('a custody move to an unknown container is NOT_FOUND, and nothing is written', async () => {
    const before = await tableCounts(sql);
    const [sampleBefore] = await sql`select container_id, updated_at from samples where code = 'SAMPLE-0002'`;
    const result = await operator('mutation { moveSample(code: "SAMPLE-0002", toContainerCode: "BOX-9999") { code } }');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'toContainerCode' });
    expect(await tableCounts(sql)).toEqual(before);
    expect((await sql`select container_id, updated_at from samples where code = 'SAMPLE-0002'`)[0]).toEqual(
      sampleBefore,
    );
  });

  it('a storage profile with min >= max is BAD_USER_INPUT naming minTempC, and nothing is written', async () => {
    const before = await tableCounts(sql);
    for (const range of ['minTempC: 8, maxTempC: 2', 'minTempC: 5, maxTempC: 5']) {
      const result = await admin(
        `mutation { createStorageProfile(input: { name: "Broken", kind: CUSTOM, ${range} }) { id } }`,
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.minTempC' });
    }
    const [fridge] = await sql`select id from storage_profiles where name = 'Refrigerated'`;
    const update = await admin('mutation ($id: ID!) { updateStorageProfile(id: $id, input: { minTempC: 9 }) { id } }', {
      id: fridge?.id,
    });
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.minTempC' });
    expect(await tableCounts(sql)).toEqual(before);
    expect((await sql`select min_temp_c from storage_profiles where name = 'Refrigerated'`)[0]?.min_temp_c).toBe(2);
  });

  it('only the roles the contract names may write, and the audit log records who did', async () => {
    const before = await tableCounts(sql);
    const denied = await viewer('mutation { moveSample(code: "SAMPLE-0002", toContainerCode: "BOX-0004") { code } }');
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const notAdmin = await operator('mutation { createSite(input: { code: "MAD", name: "Madrid" }) { id } }');
    expect(notAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await tableCounts(sql)).toEqual(before);

    const created = await admin(
      'mutation { createSite(input: { code: "MAD", name: "Madrid Hub", lat: 40.4, lng: -3.7 }) { code location { lat lng } } }',
    );
    expect(created.data).toEqual({ createSite: { code: 'MAD', location: { lat: 40.4, lng: -3.7 } } });
    const log = await viewer('{ auditLog(first: 1) { totalCount edges { node { actor entityType action after } } } }');
    const entry = (log.data!.auditLog as { edges: { node: Record<string, unknown> }[] }).edges[0]?.node;
    expect(entry).toMatchObject({
      actor: people.admin.subject,
      entityType: 'Site',
      action: 'create',
      after: { code: 'MAD' },
    });
  });

  it('the audit log cannot be altered through the graph: no mutation touches it', async () => {
    const result = await viewer('{ __schema { mutationType { fields { name } } } }');
    const names = (result.data!.__schema as { mutationType: { fields: { name: string }[] } }).mutationType.fields.map(
      (f) => f.name,
    );
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => /audit|custodyEvent|delete|remove/i.test(n))).toEqual([]);
  });

  it('nests a box in a shipper, ships it, and receiving moves everything inside to the destination', async () => {
    const steps = [
      'mutation { createContainer(input: { code: "SHP-LON-9", kind: SHIPPER, siteCode: "LON" }) { code } }',
      'mutation { createContainer(input: { code: "BOX-LON-9", kind: BOX, siteCode: "LON" }) { code } }',
    ];
    for (const step of steps) expect((await admin(step)).errors).toBeUndefined();
    const nested = await operator(
      'mutation { nestContainer(code: "BOX-LON-9", parentCode: "SHP-LON-9") { parent { code } } }',
    );
    expect(nested.data).toEqual({ nestContainer: { parent: { code: 'SHP-LON-9' } } });
    const cycle = await operator('mutation { nestContainer(code: "SHP-LON-9", parentCode: "BOX-LON-9") { code } }');
    expect(cycle.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parentCode' });

    const plan = await operator(
      'mutation { createShipment(input: { reference: "SHIP-LON-PAR-9", originCode: "LON", destinationCode: "PAR", containerCodes: ["SHP-LON-9"] }) { status origin { code } destination { code } containers { code } } }',
    );
    expect(plan.data).toEqual({
      createShipment: {
        status: 'PLANNED',
        origin: { code: 'LON' },
        destination: { code: 'PAR' },
        containers: [{ code: 'SHP-LON-9' }],
      },
    });
    const early = await operator('mutation { receiveShipment(reference: "SHIP-LON-PAR-9") { status } }');
    expect(early.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const dispatched = await operator(
      'mutation { dispatchShipment(reference: "SHIP-LON-PAR-9", at: "2030-01-01T10:00:00+01:00") { status dispatchedAt containers { status } } }',
    );
    expect(dispatched.data).toEqual({
      dispatchShipment: {
        status: 'IN_TRANSIT',
        dispatchedAt: '2030-01-01T09:00:00.000Z',
        containers: [{ status: 'IN_TRANSIT' }],
      },
    });
    const received = await operator(
      'mutation { receiveShipment(reference: "SHIP-LON-PAR-9", at: "2030-01-02T09:00:00Z") { status receivedAt } }',
    );
    expect(received.data).toEqual({ receiveShipment: { status: 'RECEIVED', receivedAt: '2030-01-02T09:00:00.000Z' } });
    const arrived = await viewer(
      '{ container(code: "SHP-LON-9") { status site { code } children { code status site { code } } } }',
    );
    expect(arrived.data).toEqual({
      container: {
        status: 'IDLE',
        site: { code: 'PAR' },
        children: [{ code: 'BOX-LON-9', status: 'IDLE', site: { code: 'PAR' } }],
      },
    });
    const custody =
      await sql`select reason, from_site_code, to_site_code, shipment_reference from custody_events where subject_code = 'SHP-LON-9' order by seq`;
    expect(custody.map((e) => e.reason)).toEqual(['dispatched', 'received']);
    expect(custody[1]).toMatchObject({ to_site_code: 'PAR', shipment_reference: 'SHIP-LON-PAR-9' });
  });

  it('an aliquot remembers its parent and starts in the parent container', async () => {
    const result = await operator(
      'mutation { aliquotSample(parentCode: "SAMPLE-0003", input: { code: "SAMPLE-0003-A1" }) { code kind parent { code } container { code } storageProfile { name } } }',
    );
    expect(result.data).toEqual({
      aliquotSample: {
        code: 'SAMPLE-0003-A1',
        kind: 'PLASMA',
        parent: { code: 'SAMPLE-0003' },
        container: { code: 'BOX-BER-01-A1' },
        storageProfile: { name: 'Ultra-low' },
      },
    });
    const parent = await viewer('{ sample(code: "SAMPLE-0003") { aliquots { code } } }');
    expect(parent.data).toEqual({ sample: { aliquots: [{ code: 'SAMPLE-0003-A1' }] } });
  });
});
