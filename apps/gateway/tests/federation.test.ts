import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

describe('a gateway started on a supergraph it has never seen', () => {
  let platform: ShelfPlatform;
  beforeAll(async () => {
    platform = await startShelfPlatform();
  });
  afterAll(() => platform?.stop());

  it('answers a query that spans both subgraphs', async () => {
    const token = await platform.token('viewer', 'ada');
    const { status, body } = await platform.post(
      { query: '{ shelves { code label temperatureC checkedBy } gaugeCount }' },
      token,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      shelves: [
        { code: 'SHELF-1', label: 'Top shelf', temperatureC: 4.5, checkedBy: 'ada' },
        { code: 'SHELF-2', label: 'Bottom shelf', temperatureC: -20, checkedBy: 'ada' },
      ],
      gaugeCount: 2,
    });
  });

  it('passes the verified identity, sealed, to every subgraph it calls', async () => {
    const token = await platform.token('operator', 'grace');
    const { body } = await platform.post(
      { query: '{ viewer { subject roles } shelf(code: "SHELF-1") { checkedBy } }' },
      token,
    );
    expect(body.data).toEqual({ viewer: { subject: 'grace', roles: ['operator'] }, shelf: { checkedBy: 'grace' } });
    expect(platform.shelves.operations.at(-1)?.identity.subject).toBe('grace');
    expect(platform.gauges.operations.at(-1)?.identity).toMatchObject({ subject: 'grace', roles: ['operator'] });
  });

  it('serves introspection to an authenticated user', async () => {
    const { body } = await platform.post(
      { query: '{ __schema { queryType { name } } __type(name: "Shelf") { fields { name } } }' },
      await platform.token('viewer'),
    );
    const shelfType = body.data?.__type as { fields: { name: string }[] } | undefined;
    const fields = shelfType?.fields.map((f) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['code', 'label', 'temperatureC']));
  });
});

describe('a subgraph that is down', () => {
  it('yields partial data and an error naming the failure, and the gateway keeps serving', async () => {
    const platform = await startShelfPlatform();
    try {
      await platform.gauges.stop();
      const token = await platform.token('viewer');
      const { status, body } = await platform.post({ query: '{ shelves { code label temperatureC } }' }, token);
      expect(status).toBe(200);
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(body.errors)).toMatch(/ECONNREFUSED|gauges/);
      const partial = await platform.post({ query: '{ shelf(code: "SHELF-2") { label } gaugeCount }' }, token);
      expect(partial.body.data).toEqual({ shelf: { label: 'Bottom shelf' }, gaugeCount: null });
      expect(partial.body.errors?.[0]?.extensions).toMatchObject({
        code: 'SUBGRAPH_UNAVAILABLE',
        serviceName: 'gauges',
      });
      const healthy = await platform.post({ query: '{ shelf(code: "SHELF-1") { label } }' }, token);
      expect(healthy.body).toEqual({ data: { shelf: { label: 'Top shelf' } } });
    } finally {
      await platform.stop();
    }
  });
});
