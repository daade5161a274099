import { createTestDatabase, type TestDatabase } from '@bst/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreSubgraph, startCoreSubgraph } from '../src/index.ts';
import { clientFor, type GraphQLResult, people, secret } from './support.ts';

const containerWithSite = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Container { code site { code name } } } }`;

describe('alert hydration from core', () => {
  let database: TestDatabase;
  let core: CoreSubgraph;
  let statements: string[] = [];
  let query: ReturnType<typeof clientFor>;

  beforeAll(async () => {
    database = await createTestDatabase('core_alert_hydration');
    core = await startCoreSubgraph({
      databaseUrl: database.url,
      gatewaySecret: secret,
      onQuery: (statement) => statements.push(statement),
    });
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      await sql`insert into sites (code, name) values ('SITE-BER', 'Berlin'), ('SITE-AMS', 'Amsterdam')`;
      await sql`insert into containers (code, kind, site_id) values
                ('BOX-BER', 'BOX', (select id from sites where code = 'SITE-BER')),
                ('BOX-AMS', 'BOX', (select id from sites where code = 'SITE-AMS')),
                ('BOX-NOWHERE', 'BOX', null)`;
    } finally {
      await sql.end();
    }
    query = clientFor(core.url, people.viewer);
  });
  afterAll(async () => {
    await core?.stop();
    await database?.drop();
  });

  it('a container with its site, as the gateway asks for an alert, is one SQL round trip', async () => {
    statements = [];
    const result = await query(containerWithSite, { r: [{ __typename: 'Container', code: 'BOX-BER' }] });
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([{ code: 'BOX-BER', site: { code: 'SITE-BER', name: 'Berlin' } }]);
    expect(statements).toHaveLength(1);
  });

  it('each container gets its own site, a container without one gets null, and unknown keys stay null', async () => {
    statements = [];
    const result: GraphQLResult = await query(containerWithSite, {
      r: [
        { __typename: 'Container', code: 'BOX-AMS' },
        { __typename: 'Container', code: 'BOX-NOWHERE' },
        { __typename: 'Container', code: 'BOX-MISSING' },
        { __typename: 'Container', code: 'BOX-BER' },
      ],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { code: 'BOX-AMS', site: { code: 'SITE-AMS', name: 'Amsterdam' } },
      { code: 'BOX-NOWHERE', site: null },
      null,
      { code: 'BOX-BER', site: { code: 'SITE-BER', name: 'Berlin' } },
    ]);
    expect(statements).toHaveLength(1);
  });

  it('a site asked for by code in the same request as its container is the same site', async () => {
    const result = await query(
      `query ($r: [_Any!]!) { _entities(representations: $r) {
        ... on Container { code site { code name } }
        ... on Site { code name containers { code } }
      } }`,
      {
        r: [
          { __typename: 'Container', code: 'BOX-BER' },
          { __typename: 'Site', code: 'SITE-BER' },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { code: 'BOX-BER', site: { code: 'SITE-BER', name: 'Berlin' } },
      { code: 'SITE-BER', name: 'Berlin', containers: [{ code: 'BOX-BER' }] },
    ]);
  });
});
