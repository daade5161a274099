import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slowConsumerCloseCode } from '../src/subscriptions/index.ts';
import { gatewayClient, waitFor } from './fixtures/gatewayClient.ts';
import { stalledWebSocket } from './fixtures/stalledWebSocket.ts';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

const padded = 'subscription { shelfEvents { cursor temperatureC padding } }';
const eventBytes = 16 * 1024;

async function metric(platform: ShelfPlatform, name: 'slowConsumers', transport: 'ws' | 'sse'): Promise<number> {
  const { values } = await platform.gateway.metrics[name].get();
  return values.find((v) => v.labels.transport === transport)?.value ?? 0;
}

const activeSubscriptions = async (platform: ShelfPlatform) =>
  (await platform.gateway.metrics.activeSubscriptions.get()).values.reduce((n, v) => n + v.value, 0);

/** An SSE subscription whose response is never read (node's http: pausing it stops reading the socket). */
async function stalledStream(platform: ShelfPlatform) {
  const token = await platform.token('viewer', `stalled-sse-${Math.random()}`);
  const url = new URL(platform.gateway.url);
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      },
      resolve,
    );
    req.on('error', reject);
    req.end(JSON.stringify({ query: padded }));
  });
  response.pause();
  let text = '';
  const ended = new Promise<void>((resolve) => {
    response.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    response.on('end', resolve);
    response.on('close', resolve);
    response.on('error', () => resolve());
  });
  return { response, ended, text: () => text };
}

describe('slow consumers are dropped with a documented code; healthy clients get everything; nothing grows', () => {
  let platform: ShelfPlatform;
  beforeAll(async () => {
    platform = await startShelfPlatform({
      subscriptions: { limits: { client: { maxEvents: 100, maxBytes: 10 * 1024 * 1024 } } },
    });
  });
  afterAll(() => platform?.stop());

  it('closes a WebSocket that stops reading with 4008 and frees its place; a healthy client misses nothing', async () => {
    const healthy = gatewayClient(platform.gateway.url, await platform.token('viewer', 'healthy'));
    try {
      const received = healthy.subscribe(padded);
      const stalled = await stalledWebSocket(platform, padded);
      await waitFor(async () => (await activeSubscriptions(platform)) === 2, 'both subscriptions');
      // Without `after`, "now" is when the subgraph took the upstream subscription, a socket round trip after the
      // gateway admitted the clients: events appended before it are not theirs (the first ~30 were, in CI's failures).
      await waitFor(() => platform.graph.events.subscribers() === 1, 'the upstream');
      stalled.socket.pause();
      let published = 0;
      // Far more than the kernel's buffers and the client's 20 events hold.
      while ((await metric(platform, 'slowConsumers', 'ws')) === 0 && published < 2000) {
        for (let i = 0; i < 10; i++)
          platform.graph.events.append({ code: 'SHELF-2', temperatureC: published++, paddingBytes: eventBytes });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(await metric(platform, 'slowConsumers', 'ws')).toBe(1);
      // Reading again within the grace period, the client finds the close frame behind what was already sent.
      stalled.socket.resume();
      expect(await stalled.closed).toMatchObject({
        code: slowConsumerCloseCode,
        reason: expect.stringContaining('Slow consumer'),
      });
      await waitFor(async () => (await activeSubscriptions(platform)) === 1, 'the stalled subscription to be released');
      await waitFor(() => received.results.length === published, 'every event for the healthy client', 20_000);
      const values = received.results.map(
        (r) => (r.data?.shelfEvents as { temperatureC: number } | undefined)?.temperatureC,
      );
      expect(values).toEqual(Array.from({ length: published }, (_, i) => i));
      expect(await metric(platform, 'slowConsumers', 'ws')).toBe(1);
    } finally {
      await healthy.dispose();
    }
    await waitFor(() => platform.graph.events.subscribers() === 0, 'the upstream to close with its last client');
  });

  it('ends an SSE stream that stops reading with a SLOW_CONSUMER event and cuts it', async () => {
    const stalled = await stalledStream(platform);
    await waitFor(() => platform.graph.events.subscribers() === 1, 'the upstream');
    let published = 0;
    while ((await metric(platform, 'slowConsumers', 'sse')) === 0 && published < 2000) {
      for (let i = 0; i < 10; i++)
        platform.graph.events.append({ code: 'SHELF-2', temperatureC: published++, paddingBytes: eventBytes });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await metric(platform, 'slowConsumers', 'sse')).toBe(1);
    // Reading again within the grace period, the client finds the error event behind what was already sent.
    stalled.response.resume();
    await stalled.ended;
    await waitFor(async () => (await activeSubscriptions(platform)) === 0, 'the stream to be released');
    await waitFor(() => platform.graph.events.subscribers() === 0, 'the upstream to close with its only client');
    const events = stalled
      .text()
      .split('\n\n')
      .filter((e) => e.includes('event: '));
    const last = events.at(-1) ?? '';
    expect(last).toContain('event: next');
    expect(JSON.parse(/^data: (.*)$/m.exec(last)?.[1] ?? '{}')).toMatchObject({
      errors: [{ extensions: { code: 'SLOW_CONSUMER' } }],
    });
    expect(stalled.text()).not.toContain('event: complete');
  });
});

describe('the hydration backlog of an upstream is bounded', () => {
  let platform: ShelfPlatform;
  beforeAll(async () => {
    platform = await startShelfPlatform({ subscriptions: { limits: { hydrationBacklog: 5 } } });
  });
  afterAll(() => platform?.stop());

  it('a resumable stream behind a slow subgraph pauses its upstream and resumes from its cursor: every event, in order', async () => {
    platform.graph.shelfDelay.ms = 15;
    const c = gatewayClient(platform.gateway.url, await platform.token('viewer'));
    try {
      const received = c.subscribe('subscription { shelfEvents { temperatureC shelf { label } } }');
      await waitFor(() => platform.graph.events.subscribers() === 1, 'the upstream');
      const followsBefore = platform.graph.events.follows.length;
      for (let i = 0; i < 60; i++) platform.graph.events.append({ code: 'SHELF-1', temperatureC: i });
      await waitFor(() => received.results.length === 60, 'all 60 events', 20_000);
      const values = received.results.map(
        (r) => (r.data?.shelfEvents as { temperatureC: number } | undefined)?.temperatureC,
      );
      expect(values).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect((await platform.gateway.metrics.hydrationBacklogExceeded.get()).values[0]?.value).toBeGreaterThan(0);
      // Each pause resumed after the last event accepted, never from the start.
      const resumedFrom = platform.graph.events.follows.slice(followsBefore);
      expect(resumedFrom.length).toBeGreaterThan(0);
      expect(resumedFrom.every((cursor) => cursor !== null)).toBe(true);
    } finally {
      platform.graph.shelfDelay.ms = 0;
      await c.dispose();
    }
  });

  it('a plain stream whose backlog overflows ends with BACKLOG_EXCEEDED instead of growing', async () => {
    platform.graph.shelfDelay.ms = 15;
    const c = gatewayClient(platform.gateway.url, await platform.token('viewer'));
    try {
      const received = c.subscribe('subscription { shelfReadings { temperatureC shelf { label } } }');
      await waitFor(() => platform.graph.readings.subscribers() === 1, 'the upstream');
      for (let i = 0; i < 30; i++) platform.graph.readings.publish({ code: 'SHELF-1', temperatureC: i });
      await waitFor(() => received.completed, 'the subscription to end', 10_000);
      expect(received.results.at(-1)?.errors?.[0]?.extensions).toMatchObject({ code: 'BACKLOG_EXCEEDED', max: 5 });
      await waitFor(() => platform.graph.readings.subscribers() === 0, 'the upstream to close');
    } finally {
      platform.graph.shelfDelay.ms = 0;
      await c.dispose();
    }
  });
});
