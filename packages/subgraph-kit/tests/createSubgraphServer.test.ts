import { buildSubgraphSchema } from '@apollo/subgraph';
import { sealIdentity } from '@bst/identity';
import { type ErrorLog, type ErrorLogEntry, ServiceUnavailableError } from '@bst/service-kit';
import { postToSubgraph, subgraphContract } from '@bst/testing';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { badUserInput, createSubgraphServer, type OperationRoles, type SubgraphContext } from '../src/index.ts';

const secret = 'kit-test-secret';
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Freezer @key(fields: "code") { code: String! label: String! }
  type Query {
    whoAmI: String!
    freezer(code: String!): Freezer
    temperatureLog(code: String!): [Float!]!
    doorSensor: Boolean
  }
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
        doorSensor: () => {
          throw new ServiceUnavailableError('redis', new Error('connect ECONNREFUSED 10.0.0.7:6379'));
        },
        temperatureLog: () => {
          // What a driver throws: the statement, its parameters and a stack with file paths.
          throw new Error(
            'invalid byte sequence for encoding "UTF8": 0x00 in select "id" from "freezers" where "code" = $1 params: FRZ',
          );
        },
      },
      Mutation: {
        defrost: () => true,
      },
      Freezer: { __resolveReference: (ref: { code: string }) => freezers.get(ref.code) ?? null },
    },
  },
]);
const roles: OperationRoles = {
  Query: {
    whoAmI: 'viewer',
    freezer: 'viewer',
    temperatureLog: 'viewer',
    doorSensor: 'viewer',
    _entities: 'viewer',
    _service: 'viewer',
  },
  Mutation: { defrost: 'admin' },
  Subscription: {},
};
const start = (errorLog?: ErrorLog) =>
  createSubgraphServer({
    name: 'kit-test',
    schema,
    gatewaySecret: secret,
    operationRoles: roles,
    context: ({ identity }) => ({ identity }),
    ...(errorLog ? { errorLog } : {}),
  });

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
        await sealIdentity({ subject: 'ada', roles: ['viewer'] }, secret),
      );
      expect(body.data).toEqual({ whoAmI: 'ada' });
    } finally {
      await server.stop();
    }
  });

  it('names the offending field and refuses a role the caller lacks', async () => {
    const server = await start();
    try {
      const operator = await sealIdentity({ subject: 'op', roles: ['operator'] }, secret);
      const missing = await postToSubgraph(server.url, { query: '{ freezer(code: "NOPE") { code } }' }, operator);
      expect(missing.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
      const denied = await postToSubgraph(server.url, { query: 'mutation { defrost(code: "FRZ-1") }' }, operator);
      expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const admin = await sealIdentity({ subject: 'root', roles: ['admin'] }, secret);
      const allowed = await postToSubgraph(server.url, { query: 'mutation { defrost(code: "FRZ-1") }' }, admin);
      expect(allowed.body.data).toEqual({ defrost: true });
    } finally {
      await server.stop();
    }
  });

  for (const nodeEnv of [undefined, 'production']) {
    it(`masks an internal error to a code and an error id, the detail only in the log (NODE_ENV ${nodeEnv ?? 'unset'})`, async () => {
      const saved = process.env.NODE_ENV;
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
      const logged: ErrorLogEntry[] = [];
      const server = await start((entry) => logged.push(entry));
      process.env.NODE_ENV = saved;
      try {
        const viewer = await sealIdentity({ subject: 'ada', roles: ['viewer'] }, secret);
        const { body } = await postToSubgraph(server.url, { query: '{ temperatureLog(code: "FRZ-1") }' }, viewer);
        const error = body.errors?.[0];
        expect(Object.keys(error?.extensions ?? {}).sort()).toEqual(['code', 'errorId']);
        expect(error?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
        const text = JSON.stringify(body);
        for (const leak of ['select', 'UTF8', 'freezers', '$1', 'stacktrace', '.ts:', 'node_modules']) {
          expect(text).not.toContain(leak);
        }
        expect(error?.message).toContain(String(error?.extensions?.errorId));
        expect(logged).toEqual([
          expect.objectContaining({
            service: 'kit-test',
            errorId: error?.extensions?.errorId,
            message: expect.stringContaining('invalid byte sequence'),
            stack: expect.stringContaining('createSubgraphServer.test.ts'),
          }),
        ]);
      } finally {
        await server.stop();
      }
    });
  }

  it('refuses text with a NUL character as BAD_USER_INPUT naming it, before any resolver runs', async () => {
    const server = await start();
    try {
      const viewer = await sealIdentity({ subject: 'ada', roles: ['viewer'] }, secret);
      const byVariable = await postToSubgraph(
        server.url,
        { query: 'query ($c: String!) { freezer(code: $c) { code } }', variables: { c: 'FRZ\u00001' } },
        viewer,
      );
      expect(byVariable.status).toBe(200);
      expect(byVariable.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables.c' });
      const byLiteral = await postToSubgraph(
        server.url,
        { query: '{ freezer(code: "FRZ\\u00001") { code } }' },
        viewer,
      );
      expect(byLiteral.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
    } finally {
      await server.stop();
    }
  });

  it('refuses to start with a root field that has no role rule, naming it', async () => {
    await expect(
      createSubgraphServer({
        name: 'kit-test',
        schema: buildSubgraphSchema([{ typeDefs: parse('type Query { openDoor: Boolean }'), resolvers: {} }]),
        gatewaySecret: secret,
        operationRoles: roles,
        context: ({ identity }) => ({ identity }),
      }),
    ).rejects.toThrow(/Query\.openDoor/);
  });

  it('answers a backing service being away as SERVICE_UNAVAILABLE, without its detail', async () => {
    const server = await start();
    try {
      const viewer = await sealIdentity({ subject: 'ada', roles: ['viewer'] }, secret);
      const { body } = await postToSubgraph(server.url, { query: '{ doorSensor }' }, viewer);
      expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|redis/);
    } finally {
      await server.stop();
    }
  });

  it('/health is liveness; /ready is 503 naming the dependency that does not answer, bounded in time', async () => {
    let redisUp = true;
    const server = await createSubgraphServer({
      name: 'kit-test',
      schema,
      gatewaySecret: secret,
      operationRoles: roles,
      context: ({ identity }) => ({ identity }),
      dependencies: {
        postgres: () => {},
        redis: () => (redisUp ? undefined : new Promise(() => {})),
      },
    });
    try {
      const ready = await fetch(server.url.replace('/graphql', '/ready'));
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, failing: [] });
      redisUp = false;
      const started = Date.now();
      const notReady = await fetch(server.url.replace('/graphql', '/ready'));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({
        ready: false,
        failing: ['redis'],
        dependencies: { postgres: { ready: true }, redis: { ready: false } },
      });
      expect((await fetch(server.url.replace('/graphql', '/health'))).status).toBe(200);
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
