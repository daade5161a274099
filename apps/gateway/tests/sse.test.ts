import type { ErrorLogEntry } from '@bst/service-kit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from './fixtures/gatewayClient.ts';
import { readEvents } from './fixtures/readEvents.ts';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

const query = 'subscription { shelfReadings(codes: ["SHELF-2"]) { temperatureC shelf { label } } }';

describe('subscriptions over Server-Sent Events', () => {
  let platform: ShelfPlatform;
  const logged: ErrorLogEntry[] = [];
  beforeAll(async () => {
    platform = await startShelfPlatform({ errorLog: (entry) => logged.push(entry) });
  });
  afterAll(() => platform?.stop());

  const open = (token?: string) =>
    fetch(platform.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query }),
    });

  it('streams hydrated events on the same /graphql path, sharing the upstream with WebSocket clients', async () => {
    const response = await open(await platform.token('viewer'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const stream = readEvents(response.body as ReadableStream<Uint8Array>);
    await waitFor(() => platform.graph.readings.subscribers() === 1, 'the upstream');
    platform.graph.readings.publish({ code: 'SHELF-2', temperatureC: -18 });
    await waitFor(() => stream.events.length === 1, 'the event');
    expect(stream.events[0]).toEqual({
      event: 'next',
      data: { data: { shelfReadings: { temperatureC: -18, shelf: { label: 'Bottom shelf' } } } },
    });
    await stream.cancel();
    await waitFor(() => platform.graph.readings.subscribers() === 0, 'the upstream to close when the stream is closed');
  });

  it('ends the stream with UNAUTHENTICATED when the token that opened it expires', async () => {
    const brief = await platform.token('viewer', 'brief', Math.floor(Date.now() / 1000) + 2);
    const stream = readEvents((await open(brief)).body as ReadableStream<Uint8Array>);
    await waitFor(() => platform.graph.readings.subscribers() === 1, 'the upstream');
    platform.graph.readings.publish({ code: 'SHELF-2', temperatureC: -17 });
    await waitFor(() => stream.events.some((e) => e.event === 'complete'), 'the stream to end', 5000);
    expect(stream.events.map((e) => e.event)).toEqual(['next', 'next', 'complete']);
    expect(stream.events[1]?.data).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    await waitFor(() => platform.graph.readings.subscribers() === 0, 'the upstream to close');
  });

  it('refuses a stream without a token (401) or with an invalid operation (400)', async () => {
    const anonymous = await open();
    expect(anonymous.status).toBe(401);
    expect(JSON.stringify(await anonymous.json())).toContain('UNAUTHENTICATED');
    const invalid = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${await platform.token('viewer')}`,
      },
      body: JSON.stringify({ query: 'subscription { nope }' }),
    });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(await invalid.json())).toContain('nope');
  });

  it('a client that leaves mid-stream is not an error: nothing is written to it after, nothing is logged', async () => {
    const response = await open(await platform.token('viewer'));
    const stream = readEvents(response.body as ReadableStream<Uint8Array>);
    await waitFor(() => platform.graph.readings.subscribers() === 1, 'the upstream');
    platform.graph.readings.publish({ code: 'SHELF-2', temperatureC: -15 });
    await waitFor(() => stream.events.length === 1, 'the event');
    const before = logged.length;
    const consoleErrors = vi.spyOn(console, 'error');
    // Events keep coming while the client goes and the gateway learns that it is gone.
    const publishing = setInterval(() => {
      for (let i = 0; i < 20; i++) platform.graph.readings.publish({ code: 'SHELF-2', temperatureC: i });
    }, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await stream.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    clearInterval(publishing);
    await waitFor(() => platform.graph.readings.subscribers() === 0, 'the upstream to close with its only client');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logged.slice(before)).toEqual([]);
    expect(consoleErrors).not.toHaveBeenCalled();
    consoleErrors.mockRestore();
    expect((await platform.gateway.metrics.activeSubscriptions.get()).values.every((v) => v.value === 0)).toBe(true);
  });

  it('serves EventSource-style GET streams, but never a mutation over GET (405)', async () => {
    const token = await platform.token('operator');
    const get = (query: string) =>
      fetch(`${platform.gateway.url}?query=${encodeURIComponent(query)}`, {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
      });
    const query = readEvents((await get('{ shelf(code: "SHELF-1") { label } }')).body as ReadableStream<Uint8Array>);
    await query.done;
    expect(query.events).toEqual([
      { event: 'next', data: { data: { shelf: { label: 'Top shelf' } } } },
      { event: 'complete', data: null },
    ]);
    const mutation = await get('mutation { __typename }');
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get('allow')).toBe('POST');
  });
});
