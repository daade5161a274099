import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreSubgraph, startCoreSubgraph } from '../src/index.ts';
import { clientFor, people, secret } from './support.ts';

describe('the core subgraph on embedded PGlite (npm start without DATABASE_URL)', () => {
  let core: CoreSubgraph;

  beforeAll(async () => {
    core = await startCoreSubgraph({ gatewaySecret: secret, seed: true });
  });
  afterAll(async () => {
    await core?.stop();
  });

  it('runs the same migrations, seed and repositories as on Postgres', async () => {
    expect(core.database.driver).toBe('pglite');
    await core.database.migrate();
    const viewer = clientFor(core.url, people.viewer);
    const box = await viewer('{ container(code: "BOX-0001") { code site { name } samples { code } } }');
    expect(box.data).toEqual({
      container: { code: 'BOX-0001', site: { name: 'Berlin Biobank' }, samples: [{ code: 'SAMPLE-0001' }] },
    });
    const page = await viewer(
      '{ containers(first: 2) { totalCount edges { node { code } } pageInfo { hasNextPage } } }',
    );
    expect(page.data).toEqual({
      containers: {
        totalCount: 11,
        edges: [{ node: { code: 'BOX-0001' } }, { node: { code: 'BOX-0002' } }],
        pageInfo: { hasNextPage: true },
      },
    });
  });

  it('keeps custody moves atomic and duplicates refused with CONFLICT', async () => {
    const operator = clientFor(core.url, people.operator);
    const moved = await operator(
      'mutation { moveSample(code: "SAMPLE-0002", toContainerCode: "BOX-0004") { container { code } } }',
    );
    expect(moved.data).toEqual({ moveSample: { container: { code: 'BOX-0004' } } });
    const duplicate = await operator(
      'mutation { registerSample(input: { code: "SAMPLE-0001", name: "Again" }) { id } }',
    );
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.code' });
    const missing = await operator('mutation { moveSample(code: "SAMPLE-0002", toContainerCode: "NOPE") { code } }');
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'toContainerCode' });
  });
});
