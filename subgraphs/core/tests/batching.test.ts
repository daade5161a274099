import { createTestDatabase, type TestDatabase } from '@bst/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreSubgraph, startCoreSubgraph } from '../src/index.ts';
import { clientFor, type GraphQLResult, people, secret } from './support.ts';

const fleetSize = 500;

describe('SQL statements per request', () => {
  let database: TestDatabase;
  let core: CoreSubgraph;
  let statements: string[] = [];
  let query: ReturnType<typeof clientFor>;

  beforeAll(async () => {
    database = await createTestDatabase('core_batching');
    core = await startCoreSubgraph({
      databaseUrl: database.url,
      gatewaySecret: secret,
      onQuery: (statement) => statements.push(statement),
    });
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      // The fleet is inserted directly: this suite is about reads, and 1000 audited mutations would only slow it.
      await sql`insert into sites (code, name) select 'SITE-' || n, 'Site ' || n from generate_series(1, 10) n`;
      await sql`insert into storage_profiles (name, kind, min_temp_c, max_temp_c)
                select 'Profile ' || n, 'CUSTOM', n, n + 10 from generate_series(1, 5) n`;
      await sql`insert into containers (code, kind, site_id, storage_profile_id)
                select 'BOX-' || lpad(n::text, 4, '0'), 'BOX',
                  (select id from sites where code = 'SITE-' || (n % 10 + 1)),
                  (select id from storage_profiles where name = 'Profile ' || (n % 5 + 1))
                from generate_series(1, ${fleetSize}) n`;
      await sql`insert into samples (code, name, container_id)
                select 'SAMPLE-' || c.code || '-' || k, 'Sample', c.id from containers c, generate_series(1, 2) k`;
    } finally {
      await sql.end();
    }
    query = clientFor(core.url, people.viewer);
  });
  afterAll(async () => {
    await core?.stop();
    await database?.drop();
  });

  async function countStatements(run: () => Promise<unknown>): Promise<number> {
    statements = [];
    await run();
    return statements.length;
  }

  it(`${fleetSize} containers with their site, profile and samples take a handful of statements, not one per container`, async () => {
    let result: GraphQLResult = {};
    const count = await countStatements(async () => {
      result = await query(
        `{ containers(first: ${fleetSize}) { totalCount edges { node { code site { name } storageProfile { name minTempC maxTempC } samples { code } } } } }`,
      );
    });
    expect(result.errors).toBeUndefined();
    const connection = result.data?.containers as {
      totalCount: number;
      edges: { node: { samples: unknown[]; site: unknown; storageProfile: unknown } }[];
    };
    expect(connection.totalCount).toBe(fleetSize);
    expect(connection.edges).toHaveLength(fleetSize);
    expect(connection.edges.every((e) => e.node.samples.length === 2 && e.node.site && e.node.storageProfile)).toBe(
      true,
    );
    // page + count + sites + profiles + samples
    expect(count).toBeLessThanOrEqual(5);
  });

  it(`resolving ${fleetSize} containers as entities, by either key, is one statement per entity type`, async () => {
    const representations = Array.from({ length: fleetSize }, (_, i) => ({
      __typename: 'Container',
      code: `BOX-${String(i + 1).padStart(4, '0')}`,
    }));
    let result: GraphQLResult = {};
    const count = await countStatements(async () => {
      result = await query('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Container { id code } } }', {
        r: representations,
      });
    });
    expect(count).toBe(1);
    const entities = result.data?._entities as { id: string; code: string }[];
    expect(entities.map((e) => e.code)).toEqual(representations.map((r) => r.code));

    const mixed = entities.map((e, i) =>
      i % 2 === 0 ? { __typename: 'Container', id: e.id } : { __typename: 'Container', code: e.code },
    );
    const samples = [
      { __typename: 'Sample', code: 'SAMPLE-BOX-0001-1' },
      { __typename: 'Sample', code: 'SAMPLE-BOX-0002-2' },
    ];
    const mixedCount = await countStatements(async () => {
      result = await query(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Container { code } ... on Sample { code } } }',
        {
          r: [...mixed, ...samples],
        },
      );
    });
    expect(result.errors).toBeUndefined();
    expect(mixedCount).toBe(2);
    expect((result.data!._entities as { code: string }[]).at(-1)).toEqual({ code: 'SAMPLE-BOX-0002-2' });
  });
});
