import { createTestDatabase, subgraphContract, type TestDatabase } from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreSubgraph, startCoreSubgraph } from '../src/index.ts';
import { clientFor, type GraphQLResult, people, secret } from './support.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('core_queries');
});
afterAll(async () => {
  await database?.drop();
});

subgraphContract({
  name: 'core',
  secret,
  start: () => startCoreSubgraph({ databaseUrl: database.url, gatewaySecret: secret, seed: true }),
  entity: {
    representation: { __typename: 'Container', code: 'BOX-0001' },
    selection: 'code site { name } samples { code }',
    expected: { code: 'BOX-0001', site: { name: 'Berlin Biobank' }, samples: [{ code: 'SAMPLE-0001' }] },
  },
  sdlIncludes: [
    'type Container\n  @key(fields: "id")\n  @key(fields: "code")',
    'type Sample\n  @key(fields: "id")\n  @key(fields: "code")',
  ],
});

describe('reading the core records', () => {
  let core: CoreSubgraph;
  let query: ReturnType<typeof clientFor>;

  beforeAll(async () => {
    core = await startCoreSubgraph({ databaseUrl: database.url, gatewaySecret: secret, seed: true });
    query = clientFor(core.url, people.viewer);
  });
  afterAll(async () => {
    await core?.stop();
  });

  it('serves the original BOX-0001 in Berlin with SAMPLE-0001 in it', async () => {
    const result = await query(
      '{ container(code: "BOX-0001") { code status site { name } samples { code name } storageProfile { name minTempC maxTempC minHumidityPct maxHumidityPct } } }',
    );
    expect(result).toEqual({
      data: {
        container: {
          code: 'BOX-0001',
          status: 'IN_TRANSIT',
          site: { name: 'Berlin Biobank' },
          samples: [{ code: 'SAMPLE-0001', name: 'Blood Sample A' }],
          storageProfile: { name: 'Default SLA', minTempC: 2, maxTempC: 8, minHumidityPct: 30, maxHumidityPct: 70 },
        },
      },
    });
    const sample = await query('{ sample(code: "SAMPLE-0002") { name container { code status site { name } } } }');
    expect(sample.data).toEqual({
      sample: {
        name: 'Vaccine Batch 1',
        container: { code: 'BOX-0002', status: 'IDLE', site: { name: 'London Clinical Hub' } },
      },
    });
  });

  it('walks every container two at a time, each exactly once, in code order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 100; page++) {
      const result: GraphQLResult = await query(
        'query ($after: String) { containers(first: 2, after: $after) { totalCount edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const connection = result.data?.containers as {
        totalCount: number;
        edges: { cursor: string; node: { code: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      total = connection.totalCount;
      expect(connection.edges.length).toBeLessThanOrEqual(2);
      seen.push(...connection.edges.map((e) => e.node.code));
      if (!connection.pageInfo.hasNextPage) break;
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor);
      after = connection.pageInfo.endCursor;
    }
    expect(total).toBe(11);
    expect(seen).toHaveLength(total);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toContain('BOX-0001');
  });

  it('filters containers by site, kind and nesting', async () => {
    const result = await query(
      '{ containers(filter: { siteCode: "BER", kind: BOX }) { totalCount edges { node { code parent { code } } } } }',
    );
    const codes = (result.data!.containers as { edges: { node: { code: string } }[] }).edges.map((e) => e.node.code);
    expect(codes).toEqual(['BOX-0001', 'BOX-0003', 'BOX-BER-01-A1']);
    const nested = await query(
      '{ container(code: "FRZ-BER-01") { children { code children { code samples { code storageProfile { name } } } } } }',
    );
    expect(nested.data).toEqual({
      container: {
        children: [
          {
            code: 'RACK-BER-01-A',
            children: [
              {
                code: 'BOX-BER-01-A1',
                samples: [
                  { code: 'SAMPLE-0003', storageProfile: { name: 'Ultra-low' } },
                  { code: 'SAMPLE-0004', storageProfile: { name: 'Ultra-low' } },
                ],
              },
            ],
          },
        ],
      },
    });
  });

  it('refuses a malformed cursor as BAD_USER_INPUT naming `after`', async () => {
    for (const after of ['not-a-cursor', Buffer.from('{"k":42}').toString('base64url')]) {
      const result = await query('query ($after: String) { containers(first: 2, after: $after) { totalCount } }', {
        after,
      });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  it('refuses a cursor it could not have issued (an extreme number, a NUL character) before any SQL runs', async () => {
    const cursor = (key: unknown) => Buffer.from(JSON.stringify({ k: key })).toString('base64url');
    for (const [field, after] of [
      ['auditLog', cursor(1e300)],
      ['auditLog', cursor(-1)],
      ['containers', cursor('BOX\u0000')],
      ['containers', cursor('x'.repeat(5000))],
    ] as const) {
      const result = await query(`query ($after: String) { ${field}(first: 2, after: $after) { totalCount } }`, {
        after,
      });
      expect(result.errors?.[0]?.extensions, `${field} ${after}`).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'after',
      });
      expect(JSON.stringify(result)).not.toMatch(/select|bigint|invalid byte/i);
    }
  });

  it('gives the twin the effective profile of every container and sample, and a version that moves only on change', async () => {
    const first = await query<{
      catalogVersion: string;
      monitoringCatalog: {
        version: string;
        profiles: { id: string; name: string }[];
        bindings: { entityType: string; code: string; profileId: string | null }[];
      };
    }>(
      '{ catalogVersion monitoringCatalog { version profiles { id name kind minTempC maxTempC } bindings { entityType code profileId } } }',
    );
    const catalog = first.data!.monitoringCatalog;
    expect(catalog.version).toBe(first.data!.catalogVersion);
    expect(catalog.profiles.map((p) => p.name).sort()).toEqual([
      'Ambient',
      'Cryogenic',
      'Default SLA',
      'Frozen',
      'Refrigerated',
      'Ultra-low',
    ]);
    const profileName = (code: string) => {
      const binding = catalog.bindings.find((b) => b.code === code);
      return catalog.profiles.find((p) => p.id === binding?.profileId)?.name ?? null;
    };
    expect(profileName('BOX-BER-01-A1')).toBe('Ultra-low');
    expect(profileName('SAMPLE-0003')).toBe('Ultra-low');
    expect(profileName('BOX-0003')).toBe('Frozen');
    expect(profileName('SAMPLE-0001')).toBe('Default SLA');

    const unchanged = await query<{ catalogVersion: string }>('{ catalogVersion }');
    expect(unchanged.data?.catalogVersion).toBe(catalog.version);
    const admin = clientFor(core.url, people.admin);
    await admin('mutation { updateContainer(code: "BOX-0004", input: { label: "Relabelled" }) { code } }');
    expect((await query<{ catalogVersion: string }>('{ catalogVersion }')).data?.catalogVersion).toBe(catalog.version);
    const moved = await clientFor(
      core.url,
      people.operator,
    )('mutation { moveSample(code: "SAMPLE-0005", toContainerCode: "BOX-0004") { code } }');
    expect(moved.errors).toBeUndefined();
    expect((await query<{ catalogVersion: string }>('{ catalogVersion }')).data?.catalogVersion).not.toBe(
      catalog.version,
    );
  });
});
