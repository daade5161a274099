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
