import { buildSubgraphSchema } from '@apollo/subgraph';
import { sealIdentity } from '@bst/identity';
import { postToSubgraph, subgraphContract } from '@bst/testing';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { badUserInput, createSubgraphServer, requireRole, type SubgraphContext } from '../src/index.ts';

const secret = 'kit-test-secret';
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Freezer @key(fields: "code") { code: String! label: String! }
  type Query { whoAmI: String! freezer(code: String!): Freezer }
  type Mutation { defrost(code: String!): Boolean! }
`);
const freezers = new Map([['FRZ-1', { code: 'FRZ-1', label: 'Lab freezer' }]]);
const schema = buildSubgraphSchema([
  {
    typeDefs,
    resolvers: {
      Query: {
        whoAmI: (_: unknown, __: unknown, ctx: SubgraphContext) => ctx.identity.subject,
        freezer: (_: unknown, { code }: { code: string }) => {
          const freezer = freezers.get(code);
          if (!freezer) throw badUserInput('code', `No freezer ${code}`);
          return freezer;
        },
      },
      Mutation: {
        defrost: (_: unknown, __: unknown, ctx: SubgraphContext) => {
          requireRole(ctx, 'admin');
          return true;
        },
      },
      Freezer: { __resolveReference: (ref: { code: string }) => freezers.get(ref.code) ?? null },
    },
  },
]);
const start = () => createSubgraphServer({ schema, gatewaySecret: secret, context: ({ identity }) => ({ identity }) });

subgraphContract({
  name: 'a minimal',
  secret,
  start,
  entity: {
    representation: { __typename: 'Freezer', code: 'FRZ-1' },
    selection: 'code label',
    expected: { code: 'FRZ-1', label: 'Lab freezer' },
  },
  sdlIncludes: ['type Freezer'],
});

describe('createSubgraphServer', () => {
  it('hands resolvers the identity the gateway sealed', async () => {
    const server = await start();
    try {
      const { body } = await postToSubgraph(
        server.url,
        { query: '{ whoAmI }' },
        sealIdentity({ subject: 'ada', roles: ['viewer'] }, secret),
      );
      expect(body.data).toEqual({ whoAmI: 'ada' });
    } finally {
      await server.stop();
    }
  });

  it('names the offending field and refuses a role the caller lacks', async () => {
    const server = await start();
    try {
      const operator = sealIdentity({ subject: 'op', roles: ['operator'] }, secret);
      const missing = await postToSubgraph(server.url, { query: '{ freezer(code: "NOPE") { code } }' }, operator);
      expect(missing.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
      const denied = await postToSubgraph(server.url, { query: 'mutation { defrost(code: "FRZ-1") }' }, operator);
      expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const admin = sealIdentity({ subject: 'root', roles: ['admin'] }, secret);
      const allowed = await postToSubgraph(server.url, { query: 'mutation { defrost(code: "FRZ-1") }' }, admin);
      expect(allowed.body.data).toEqual({ defrost: true });
    } finally {
      await server.stop();
    }
  });

  it('stops listening once stopped', async () => {
    const server = await start();
    await server.stop();
    expect(server.httpServer.listening).toBe(false);
    await expect(fetch(server.url.replace('/graphql', '/health'))).rejects.toThrow();
  });
});
