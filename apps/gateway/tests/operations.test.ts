import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

describe('health, readiness and metrics', () => {
  let platform: ShelfPlatform;
  const endpoint = (path: string) => new URL(path, platform.gateway.url);
  beforeAll(async () => {
    platform = await startShelfPlatform();
  });
  afterAll(() => platform?.stop());

  it('/health answers while the process lives', async () => {
    const response = await fetch(endpoint('/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/ready is 200 when every subgraph answers, naming each', async () => {
    const response = await fetch(endpoint('/ready'));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ready: boolean; subgraphs: Record<string, { ready: boolean }> };
    expect(body.ready).toBe(true);
    expect(Object.keys(body.subgraphs).sort()).toEqual(['gauges', 'shelves']);
  });

  it('answers with the request id it was given, or a new one when none (or a malformed one) came', async () => {
    const token = await platform.token('viewer');
    const ask = (requestId?: string) =>
      fetch(platform.gateway.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
        },
        body: JSON.stringify({ query: '{ shelves { code } }' }),
      });
    expect((await ask('support-ticket-42')).headers.get('x-request-id')).toBe('support-ticket-42');
    const fresh = (await ask()).headers.get('x-request-id');
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    const forged = (await ask('a\tb{"level":"error"}')).headers.get('x-request-id');
    expect(forged).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(endpoint('/health'))).headers.get('x-request-id')).toBeTruthy();
  });

  it('/metrics counts operations, errors and latency by operation type', async () => {
    const token = await platform.token('viewer');
    await platform.post({ query: '{ shelves { code } }' }, token);
    await platform.post({ query: '{ nope }' }, token);
    const text = await (await fetch(endpoint('/metrics'))).text();
    expect(text).toMatch(/bst_gateway_requests_total\{operation_type="query"\} [1-9]/);
    expect(text).toMatch(/bst_gateway_errors_total\{operation_type="unknown"\} [1-9]/);
    expect(text).toMatch(/bst_gateway_request_duration_seconds_bucket\{le="\+Inf",operation_type="query"\} [1-9]/);
  });
});

describe('readiness with a subgraph down', () => {
  it('/ready is 503 and says which subgraph does not answer', async () => {
    const platform = await startShelfPlatform();
    try {
      await platform.shelves.stop();
      const response = await fetch(new URL('/ready', platform.gateway.url));
      expect(response.status).toBe(503);
      const body = (await response.json()) as { ready: boolean; subgraphs: Record<string, { ready: boolean }> };
      expect(body.ready).toBe(false);
      expect(body.subgraphs.shelves?.ready).toBe(false);
      expect(body.subgraphs.gauges?.ready).toBe(true);
    } finally {
      await platform.stop();
    }
  });
});

describe('graceful shutdown', () => {
  it('stop() drains and closes the HTTP server', async () => {
    const platform = await startShelfPlatform();
    const { gateway } = platform;
    await platform.stop();
    expect(gateway.httpServer.listening).toBe(false);
    await expect(fetch(new URL('/health', gateway.url))).rejects.toThrow();
  });
});
