import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/limits/index.ts';
import { gatewayClient, waitFor } from './fixtures/gatewayClient.ts';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

const labelQuery = { query: '{ shelf(code: "SHELF-1") { label } }' };
const readings = 'subscription { shelfReadings(codes: ["SHELF-1"]) { temperatureC shelf { label } } }';

describe('the per-client token bucket', () => {
  it('lets a client spend its burst, then refuses it until a token has refilled, and keeps clients apart', () => {
    let now = 0;
    const limiter = createRateLimiter({ perMinute: 6, burst: 2 }, () => now);
    expect(limiter.take('subject:ada')).toEqual({ allowed: true });
    expect(limiter.take('subject:ada')).toEqual({ allowed: true });
    expect(limiter.take('subject:ada')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take('subject:bob')).toEqual({ allowed: true });
    now = 4_000;
    expect(limiter.take('subject:ada')).toEqual({ allowed: false, retryAfterSeconds: 6 });
    now = 10_000;
    expect(limiter.take('subject:ada')).toEqual({ allowed: true });
    expect(limiter.take('subject:ada').allowed).toBe(false);
  });

  it('never holds more than its burst after a quiet spell', () => {
    let now = 0;
    const limiter = createRateLimiter({ perMinute: 60 }, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('address:10.0.0.1').allowed).toBe(true);
    now = 3_600_000;
    for (let i = 0; i < 60; i++) expect(limiter.take('address:10.0.0.1').allowed).toBe(true);
    expect(limiter.take('address:10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});

describe('rate limit at the gateway, before execution', () => {
  let platform: ShelfPlatform;
  beforeAll(async () => {
    platform = await startShelfPlatform({ rateLimit: { perMinute: 3 } });
  });
  afterAll(() => platform?.stop());

  const subgraphCalls = () => platform.shelves.operations.length + platform.gauges.operations.length;

  it('answers a client over its rate with 429, RATE_LIMITED and Retry-After, without calling a subgraph', async () => {
    const token = await platform.token('viewer', 'eager');
    for (let i = 0; i < 3; i++) expect((await platform.post(labelQuery, token)).status).toBe(200);
    const before = subgraphCalls();
    const response = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(labelQuery),
    });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: retryAfter });
    expect(subgraphCalls()).toBe(before);
  });

  it('counts per JWT subject: another user is not held back by the first', async () => {
    const patient = await platform.token('viewer', 'patient');
    expect((await platform.post(labelQuery, patient)).status).toBe(200);
  });

  it('limits requests without a valid token by their remote address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await platform.post(labelQuery, 'not-a-token')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('counts a Server-Sent Events subscription like any other request', async () => {
    const token = await platform.token('viewer', 'streamer');
    for (let i = 0; i < 3; i++) await platform.post(labelQuery, token);
    const response = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: readings }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBeTruthy();
  });

  it('refuses a WebSocket subscription start over the rate on its id; the socket and earlier subscriptions stay', async () => {
    const client = gatewayClient(platform.gateway.url, await platform.token('viewer', 'socket'));
    try {
      const first = client.subscribe(readings);
      await waitFor(() => platform.graph.readings.subscribers() === 1, 'the first subscription upstream');
      client.subscribe(readings);
      client.subscribe(readings);
      const refused = client.subscribe(readings);
      await waitFor(() => refused.failures.length === 1, 'the refusal');
      const [error] = refused.failures[0] as { message: string; extensions: Record<string, unknown> }[];
      expect(error?.extensions.code).toBe('RATE_LIMITED');
      expect(error?.extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      platform.graph.readings.publish({ code: 'SHELF-1', temperatureC: 3.5 });
      await waitFor(() => first.results.length === 1, 'an event on the earlier subscription');
      expect(client.closes).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});
