import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CoreSubgraph, startCoreSubgraph } from '@bst/core';
import { createGateway, type Gateway, loadSupergraph, signToken } from '@bst/gateway';
import { hasRole, operationRoles, type Role, type RootType, roleFor } from '@bst/identity';
import { createRedisTestPrefix, createTestDatabase, type TestDatabase } from '@bst/testing';
import { createRedisTwinStore, startTwinSubgraph, type TwinStore, type TwinSubgraph } from '@bst/twin';
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const supergraphPath = join(import.meta.dirname, '../../schema/supergraph.graphql');
const schema = loadSupergraph(readFileSync(supergraphPath, 'utf8')).apiGraphQLSchema;
const secret = 'role-matrix-shared-secret';
const jwtSecret = 'role-matrix-jwt-secret';

/** The callers of the matrix: a verified user with no known role, then each role. */
const callers: { name: string; roles: Role[] }[] = [
  { name: 'no role', roles: [] },
  { name: 'viewer', roles: ['viewer'] },
  { name: 'operator', roles: ['operator'] },
  { name: 'admin', roles: ['admin'] },
];

const rootTypes: [RootType, GraphQLObjectType | null | undefined][] = [
  ['Query', schema.getQueryType()],
  ['Mutation', schema.getMutationType()],
  ['Subscription', schema.getSubscriptionType()],
];
const operations = rootTypes.flatMap(([rootType, type]) =>
  Object.values(type?.getFields() ?? {}).map((field) => ({ rootType, field })),
);

/** A value of the right type for an argument: enough to get past validation, so only the role decides. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]?.value;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = sample(field.type);
    }
    return value;
  }
  if (isScalarType(type)) {
    const scalars: Record<string, unknown> = {
      String: 'ROLE-MATRIX-1',
      ID: '00000000-0000-4000-8000-000000000000',
      Int: 1,
      Float: 1.5,
      Boolean: false,
      DateTime: '2026-01-01T00:00:00Z',
    };
    return scalars[type.name] ?? 'x';
  }
  return null;
}

/** `rootType { field(args) { __typename } }` with every required argument given as a variable. */
function operationFor(rootType: RootType, field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((a) => isNonNullType(a.type));
  const definitions = required.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isCompositeType(getNamedType(getNullableType(field.type))) ? ' { __typename }' : '';
  const keyword = rootType.toLowerCase();
  return {
    query: `${keyword} RoleMatrix${definitions ? `(${definitions})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((a) => [a.name, sample(a.type)])),
  };
}

interface Answer {
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

describe('the role × operation matrix of every root field of the supergraph', () => {
  it('has one rule for every root field, and no rule for a field the supergraph does not have', () => {
    const missing = operations.filter(({ rootType, field }) => !roleFor(rootType, field.name));
    expect(missing.map(({ rootType, field }) => `${rootType}.${field.name}`)).toEqual([]);
    const federation = new Set(['_entities', '_service']);
    for (const [rootType, type] of rootTypes) {
      const fields = new Set(Object.keys(type?.getFields() ?? {}));
      const stale = Object.keys(operationRoles[rootType]).filter((name) => !fields.has(name) && !federation.has(name));
      expect(stale, `${rootType} rules for fields that do not exist`).toEqual([]);
    }
  });

  describe('through the gateway, on the real subgraphs', () => {
    let database: TestDatabase;
    let core: CoreSubgraph;
    const redis = createRedisTestPrefix('role_matrix');
    let store: TwinStore;
    let twin: TwinSubgraph;
    let gateway: Gateway;
    const tokens = new Map<string, string>();

    beforeAll(async () => {
      database = await createTestDatabase('role_matrix');
      core = await startCoreSubgraph({ databaseUrl: database.url, gatewaySecret: secret, seed: true });
      store = createRedisTwinStore({ redis: redis.url, prefix: redis.prefix });
      twin = await startTwinSubgraph({ store, gatewaySecret: secret });
      gateway = await createGateway({
        supergraphPath,
        port: 0,
        host: '127.0.0.1',
        subgraphUrls: { core: core.url, twin: twin.url },
        auth: { mode: 'jwt', jwtSecret },
        sharedSecret: secret,
      });
      for (const caller of callers) {
        tokens.set(
          caller.name,
          await signToken(jwtSecret, { subject: `matrix-${caller.roles[0] ?? 'nobody'}`, roles: caller.roles }),
        );
      }
    });
    afterAll(async () => {
      await gateway?.stop();
      await twin?.stop();
      await store?.close();
      await redis.cleanup();
      await core?.stop();
      await database?.drop();
    });

    const post = async (token: string, body: { query: string; variables: Record<string, unknown> }) => {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return (await response.json()) as Answer;
    };

    /** Subscribes and reports the first thing that happens: an error (its code or close code), or nothing (admitted). */
    const subscribe = (token: string, body: { query: string; variables: Record<string, unknown> }) =>
      new Promise<string>((resolve) => {
        const client = createClient({
          url: gateway.url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${token}` },
          retryAttempts: 0,
        });
        const done = (outcome: string) => {
          clearTimeout(timer);
          void client.dispose();
          resolve(outcome);
        };
        const timer = setTimeout(() => done('admitted'), 400);
        client.subscribe(body, {
          next: (result) => {
            const code = (result.errors?.[0]?.extensions as { code?: string } | undefined)?.code;
            done(code ?? 'admitted');
          },
          error: (error) => {
            const close = (error as { code?: number } | null)?.code;
            if (typeof close === 'number') done(`close ${close}`);
            else done(JSON.stringify(error).match(/"code":"(\w+)"/)?.[1] ?? 'error');
          },
          complete: () => done('admitted'),
        });
      });

    for (const { rootType, field } of operations) {
      const rule = roleFor(rootType, field.name);
      it(`${rootType}.${field.name} needs ${rule ?? 'a rule'}`, async () => {
        expect(rule, `no role rule for ${rootType}.${field.name}`).toBeDefined();
        const body = operationFor(rootType, field);
        for (const caller of callers) {
          const allowed = hasRole({ subject: caller.name, roles: caller.roles }, rule!);
          const token = tokens.get(caller.name)!;
          if (rootType === 'Subscription') {
            const outcome = await subscribe(token, body);
            // A socket without a role is refused at connection_init (4403), before any subscription.
            expect(outcome, `${caller.name} → ${field.name}`).toBe(allowed ? 'admitted' : 'close 4403');
            continue;
          }
          const answer = await post(token, body);
          const forbidden = answer.errors?.find(
            (e) => e.extensions?.code === 'FORBIDDEN' && e.path?.[0] === field.name,
          );
          expect(
            Boolean(forbidden),
            `${caller.name} → ${rootType}.${field.name}: ${JSON.stringify(answer.errors)}`,
          ).toBe(!allowed);
        }
      });
    }
  });
});
