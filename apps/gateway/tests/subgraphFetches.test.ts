import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@bst/identity';
import { startTcpProxy, type TcpProxy } from '@bst/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../src/auth/index.ts';
import { createGateway, type Gateway } from '../src/server.ts';
import { writeSupergraph } from './fixtures/shelfGraph.ts';
import type { GraphQLResponse } from './fixtures/startShelfPlatform.ts';
import {
  type RunningSubgraph,
  type SubgraphDefinition,
  startSubgraph,
  testGatewaySecret,
} from './fixtures/startSubgraph.ts';

const jwtSecret = 'subgraph-fetches-jwt-secret';
const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

/** A subgraph whose answers the test can hold back, so that requests overlap in flight. */
function ledgerSubgraph() {
  let balance = 0;
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  const definition: SubgraphDefinition = {
    name: 'ledger',
    typeDefs: `${link}
      type Query { balance: Int! whoami: String! }
      type Mutation { deposit(amount: Int!): Int! }`,
    resolvers: {
      Query: {
        balance: () => balance,
        whoami: async (_: unknown, __: unknown, { identity }) => {
          await gate;
          return `${identity.subject} as ${identity.roles.join('+')}`;
        },
      },
      Mutation: {
        deposit: async (_: unknown, { amount }: { amount: number }) => {
          await gate;
          balance += amount;
          return balance;
        },
      },
    },
  };
  return {
    definition,
    /** Answers wait until release() from here on. */
    hold() {
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    release: () => open(),
  };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('subgraph fetches', () => {
  let ledger: ReturnType<typeof ledgerSubgraph>;
  let subgraph: RunningSubgraph;
  let relay: TcpProxy;
  let gateway: Gateway;
  let dir: string;

  beforeAll(async () => {
    ledger = ledgerSubgraph();
    subgraph = await startSubgraph(ledger.definition);
    relay = await startTcpProxy({ host: '127.0.0.1', port: subgraph.port });
    dir = mkdtempSync(join(tmpdir(), 'bst-subgraph-fetches-'));
    gateway = await createGateway({
      supergraphPath: writeSupergraph(dir, [{ ...ledger.definition, url: `http://127.0.0.1:${relay.port}/graphql` }]),
      port: 0,
      host: '127.0.0.1',
      auth: { mode: 'jwt', jwtSecret },
      sharedSecret: testGatewaySecret,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await relay?.stop();
    await subgraph?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    ledger.release();
  });

  const token = (subject: string, role: Role = 'viewer') => signToken(jwtSecret, { subject, roles: [role] }, '5m');
  const post = async (query: string, bearer: string) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as GraphQLResponse;
  };
  const received = (field: string) => subgraph.operations.filter((o) => o.query.includes(field)).length;
  const fetches = async (outcome: string) =>
    (await gateway.metrics.subgraphFetches.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

  it("sends a mutation once when the subgraph's keep-alive socket is reset, and tells the client its outcome is unknown", async () => {
    const operator = await token('grace', 'operator');
    const before = (await post('{ balance }', operator)).data?.balance as number;
    const connections = relay.connectionsAccepted();
    const deposits = received('deposit');
    relay.resetAfterRequest('deposit');

    const answer = await post('mutation { deposit(amount: 5) }', operator);

    expect(relay.connectionsAccepted()).toBe(connections);
    expect(received('deposit')).toBe(deposits + 1);
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_OUTCOME_UNKNOWN', serviceName: 'ledger' });
    expect(answer.errors?.[0]?.message).toMatch(/may have been applied/);
    expect((await post('{ balance }', operator)).data).toEqual({ balance: before + 5 });
  });

  it('sends a query once more when its keep-alive socket is reset, and answers it', async () => {
    const viewer = await token('ada');
    await post('{ balance }', viewer);
    const connections = relay.connectionsAccepted();
    const asked = received('balance');
    const retried = await fetches('retried');
    relay.resetAfterRequest('balance');

    const answer = await post('{ balance }', viewer);

    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ balance: expect.any(Number) });
    expect(received('balance')).toBe(asked + 2);
    expect(relay.connectionsAccepted()).toBe(connections + 1);
    expect(await fetches('retried')).toBe(retried + 1);
  });

  it('merges identical queries in flight for one identity into one subgraph fetch', async () => {
    const viewer = await token('ada');
    const asked = received('whoami');
    const merged = await fetches('merged');
    ledger.hold();

    const answers = Promise.all([1, 2, 3].map(() => post('{ whoami }', viewer)));
    await until(async () => (await fetches('merged')) === merged + 2, 'two requests merged into the first');
    ledger.release();

    expect(await answers).toEqual([1, 2, 3].map(() => ({ data: { whoami: 'ada as viewer' } })));
    expect(received('whoami')).toBe(asked + 1);
  });

  it('never lets two identities share a fetch, even for the same query at the same time', async () => {
    const asked = received('whoami');
    const merged = await fetches('merged');
    const [ada, grace, adaAsOperator] = await Promise.all([token('ada'), token('grace'), token('ada', 'operator')]);
    ledger.hold();

    const answers = Promise.all([ada, grace, adaAsOperator].map((bearer) => post('{ whoami }', bearer)));
    await until(() => received('whoami') === asked + 3, 'one subgraph fetch per identity');
    ledger.release();

    expect((await answers).map((a) => a.data?.whoami)).toEqual(['ada as viewer', 'grace as viewer', 'ada as operator']);
    expect(subgraph.operations.slice(-3).map((o) => o.identity.subject)).toEqual(
      expect.arrayContaining(['ada', 'grace', 'ada']),
    );
    expect(await fetches('merged')).toBe(merged);
  });

  it('sends every one of identical mutations in flight', async () => {
    const operator = await token('grace', 'operator');
    const before = (await post('{ balance }', operator)).data?.balance as number;
    const deposits = received('deposit');
    ledger.hold();

    const answers = Promise.all([1, 2].map(() => post('mutation { deposit(amount: 1) }', operator)));
    await until(() => received('deposit') === deposits + 2, 'both mutations at the subgraph');
    ledger.release();

    expect((await answers).map((a) => a.errors)).toEqual([undefined, undefined]);
    expect((await post('{ balance }', operator)).data).toEqual({ balance: before + 2 });
  });
});
