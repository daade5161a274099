import { resolve } from 'node:path';
import { type CoreSubgraph, startCoreSubgraph } from '@bst/core';
import { GATEWAY_IDENTITY_HEADER, type Identity, sealIdentity } from '@bst/identity';
import { createTestDatabase, type TestDatabase } from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/index.ts';
import { createGateway, type Gateway } from '../../src/server.ts';

const supergraphPath = resolve(import.meta.dirname, '../../../../schema/supergraph.graphql');
const jwtSecret = 'core-through-gateway-secret';
const sharedSecret = 'core-through-gateway-shared';
const viewer: Identity = { subject: 'ada', roles: ['viewer'] };

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

async function post(url: string, headers: Record<string, string>, query: string, variables?: object): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
}

const containerQuery = '{ container(code: "BOX-0001") { code site { name } samples { code } } }';
const pageQuery = `query Page($after: String) {
  containers(first: 2, after: $after) { totalCount edges { cursor node { code kind site { code } } } pageInfo { hasNextPage endCursor } }
}`;

describe('core through the gateway (the committed supergraph, core on a fresh database)', () => {
  let database: TestDatabase;
  let core: CoreSubgraph;
  let gateway: Gateway;
  let throughGateway: (query: string, variables?: object) => Promise<Answer>;
  let direct: (query: string, variables?: object) => Promise<Answer>;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_core');
    core = await startCoreSubgraph({ databaseUrl: database.url, gatewaySecret: sharedSecret, seed: true });
    // The twin is not started: queries that touch only core must not need it.
    gateway = await createGateway({
      supergraphPath,
      port: 0,
      host: '127.0.0.1',
      subgraphUrls: { core: core.url, twin: 'http://127.0.0.1:9/graphql' },
      auth: { mode: 'jwt', jwtSecret },
      sharedSecret,
    });
    const token = await signToken(jwtSecret, viewer);
    throughGateway = (query, variables) => post(gateway.url, { authorization: `Bearer ${token}` }, query, variables);
    // Sealed per request, as the gateway does: core refuses an identity older than its window.
    direct = async (query, variables) =>
      post(core.url, { [GATEWAY_IDENTITY_HEADER]: await sealIdentity(viewer, sharedSecret) }, query, variables);
  });
  afterAll(async () => {
    await gateway?.stop();
    await core?.stop();
    await database?.drop();
  });

  it('a container with its site and samples comes back seeded, the same as from core directly', async () => {
    const answer = await throughGateway(containerQuery);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toMatchObject({
      container: {
        code: 'BOX-0001',
        site: { name: 'Berlin Biobank' },
        samples: expect.arrayContaining([{ code: 'SAMPLE-0001' }]),
      },
    });
    expect(answer).toEqual(await direct(containerQuery));
  });

  it('walking containers two at a time gives every container once, the same pages as core directly', async () => {
    const codes: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const viaGateway = await throughGateway(pageQuery, { after });
      expect(viaGateway).toEqual(await direct(pageQuery, { after }));
      const connection = viaGateway.data?.containers as {
        totalCount: number;
        edges: { node: { code: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      expect(connection.edges.length).toBeLessThanOrEqual(2);
      codes.push(...connection.edges.map((e) => e.node.code));
      if (!connection.pageInfo.hasNextPage) {
        expect(codes.length).toBe(connection.totalCount);
        break;
      }
      after = connection.pageInfo.endCursor;
    }
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(expect.arrayContaining(['BOX-0001', 'BOX-0002']));
  });
});
