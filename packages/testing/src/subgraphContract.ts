import { GATEWAY_IDENTITY_HEADER, type Identity, sealIdentity } from '@bst/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export interface RunningSubgraph {
  /** The GraphQL endpoint, ending in `/graphql`. */
  url: string;
  stop(): Promise<void>;
}

export interface SubgraphContractOptions {
  name: string;
  /** Starts the subgraph (on an ephemeral port) with `secret` as its gateway secret. */
  start(): Promise<RunningSubgraph>;
  secret: string;
  /** An entity the started subgraph holds, fetched through `_entities`. */
  entity: {
    representation: { __typename: string } & Record<string, unknown>;
    /** Fields selected on the entity type, e.g. `code site { name }`. */
    selection: string;
    expected: Record<string, unknown>;
  };
  /** Fragments the subgraph's SDL must contain, e.g. `@key(fields: "code")`. */
  sdlIncludes?: string[];
}

interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: {
    message: string;
    extensions?: { code?: string; errorId?: string; field?: string } & Record<string, unknown>;
  }[];
}

/** POSTs a GraphQL operation to a subgraph as the gateway would (or would not, when `identity` is a raw header). */
export async function postToSubgraph(
  url: string,
  body: { query: string; variables?: Record<string, unknown> },
  identityHeader?: string,
): Promise<{ status: number; body: GraphQLResponse }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (identityHeader !== undefined) headers[GATEWAY_IDENTITY_HEADER] = identityHeader;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as GraphQLResponse };
}

/** The behaviour every subgraph shares: health, SDL for composition, entity resolution and the gateway-only rule. */
export function subgraphContract(options: SubgraphContractOptions): void {
  describe(`${options.name} subgraph contract`, () => {
    let subgraph: RunningSubgraph;
    const viewer: Identity = { subject: 'contract-viewer', roles: ['viewer'] };
    const sealed = () => sealIdentity(viewer, options.secret);

    beforeAll(async () => {
      subgraph = await options.start();
    });
    afterAll(async () => {
      await subgraph?.stop();
    });

    it('answers GET /health without an identity', async () => {
      const response = await fetch(subgraph.url.replace(/\/graphql$/, '/health'));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok' });
    });

    it('serves its federation SDL through _service', async () => {
      const { status, body } = await postToSubgraph(subgraph.url, { query: '{ _service { sdl } }' }, await sealed());
      expect(status).toBe(200);
      const sdl = (body.data?._service as { sdl: string } | undefined)?.sdl;
      expect(sdl).toContain('@link');
      for (const fragment of options.sdlIncludes ?? []) expect(sdl).toContain(fragment);
    });

    it('resolves an entity from its representation', async () => {
      const { __typename } = options.entity.representation;
      const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${__typename} { ${options.entity.selection} } } }`;
      const { body } = await postToSubgraph(
        subgraph.url,
        { query, variables: { representations: [options.entity.representation] } },
        await sealed(),
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?._entities).toEqual([options.entity.expected]);
    });

    it('refuses a request without an identity', async () => {
      const { status, body } = await postToSubgraph(subgraph.url, { query: '{ __typename }' });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.data ?? null).toBeNull();
    });

    it('refuses an identity sealed with another secret (a forgery)', async () => {
      const forged = await sealIdentity({ subject: 'mallory', roles: ['admin'] }, `${options.secret}-not`);
      const { status, body } = await postToSubgraph(subgraph.url, { query: '{ __typename }' }, forged);
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a genuine identity replayed after its window (an old header captured in transit)', async () => {
      const yearAgo = Date.now() - 365 * 24 * 3600_000;
      const replayed = await sealIdentity({ subject: 'ana', roles: ['admin'] }, options.secret, yearAgo);
      const { status, body } = await postToSubgraph(subgraph.url, { query: '{ __typename }' }, replayed);
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses even its SDL to an identity without a role: FORBIDDEN with an error id', async () => {
      const nobody = await sealIdentity({ subject: 'nobody', roles: [] }, options.secret);
      const { body } = await postToSubgraph(subgraph.url, { query: '{ _service { sdl } }' }, nobody);
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(body.errors?.[0]?.extensions?.errorId).toEqual(expect.any(String));
    });
  });
}
