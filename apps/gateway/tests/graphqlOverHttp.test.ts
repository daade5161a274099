import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphQLResponse, type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

describe('GraphQL over plain HTTP', () => {
  let platform: ShelfPlatform;
  let token: string;
  beforeAll(async () => {
    platform = await startShelfPlatform({ maxBodyBytes: 4096 });
    token = await platform.token('viewer', 'ada');
  });
  afterAll(() => platform?.stop());

  const send = async (body: string | Buffer, headers: Record<string, string>, method = 'POST', search = '') => {
    const response = await fetch(`${platform.gateway.url}${search}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(method === 'GET' ? {} : { body }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse };
  };

  it('answers a POST with the data and its length, as one JSON document', async () => {
    const response = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ shelves { code } }' }),
    });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text)).toEqual({ data: { shelves: [{ code: 'SHELF-1' }, { code: 'SHELF-2' }] } });
  });

  it('answers a GET that names its operation in the query string', async () => {
    const search = `?query=${encodeURIComponent('{ shelf(code: "SHELF-2") { label } }')}`;
    const { status, body } = await send('', { 'apollo-require-preflight': 'true' }, 'GET', search);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { shelf: { label: 'Bottom shelf' } } });
  });

  it('checks the limits of a GET operation too', async () => {
    const deep = '{ shelf(code: "SHELF-1") { neighbours { neighbours { neighbours { neighbours { code } } } } } }';
    const { status, body } = await send(
      '',
      { 'apollo-require-preflight': 'true' },
      'GET',
      `?query=${encodeURIComponent(deep)}`,
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED' });
  });

  it('reads a gzip-compressed body', async () => {
    const { status, body } = await send(gzipSync(JSON.stringify({ query: '{ gaugeCount }' })), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { gaugeCount: 2 } });
  });

  it('refuses a compressed body that inflates past the limit with 413', async () => {
    const bomb = gzipSync(JSON.stringify({ query: `{ gaugeCount } # ${'x'.repeat(1_000_000)}` }));
    expect(bomb.length).toBeLessThan(4096);
    const { status, body } = await send(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a body that is not JSON, or not an object, with 400 BAD_REQUEST', async () => {
    for (const text of ['{"query": ', '"{ gaugeCount }"']) {
      const { status, body } = await send(text, { 'content-type': 'application/json' });
      expect(status).toBe(400);
      expect(body.errors?.[0]).toMatchObject({
        message: 'request body is not valid JSON',
        extensions: { code: 'BAD_REQUEST' },
      });
    }
  });

  it('refuses an encoding or a charset it cannot read, with 415', async () => {
    const query = JSON.stringify({ query: '{ gaugeCount }' });
    const compressed = await send(query, { 'content-type': 'application/json', 'content-encoding': 'zstd' });
    expect(compressed.status).toBe(415);
    const latin1 = await send(query, { 'content-type': 'application/json; charset=iso-8859-1' });
    expect(latin1.status).toBe(415);
    expect(latin1.body.errors?.[0]?.message).toBe('unsupported charset "iso-8859-1"');
  });

  it('refuses a request without a valid token with 401, before any subgraph is called', async () => {
    const calls = platform.shelves.operations.length;
    const response = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
      body: JSON.stringify({ query: '{ shelves { code } }' }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(platform.shelves.operations.length).toBe(calls);
  });
});
