import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../src/server.ts';
import { gatewayClient, recordSocket, waitFor } from './fixtures/gatewayClient.ts';
import { readEvents } from './fixtures/readEvents.ts';
import { startShelfPlatform } from './fixtures/startShelfPlatform.ts';

const readings = 'subscription { shelfReadings(codes: ["SHELF-1"]) { temperatureC shelf { label } } }';

const subscriptionsOn = async (gateway: Gateway) =>
  (await gateway.metrics.activeSubscriptions.get()).values.reduce((n, v) => n + v.value, 0);

/** Completes a WebSocket upgrade by hand and then never answers a frame, as a stalled client would. */
async function stalledWebSocket(gatewayUrl: string) {
  const { hostname, port } = new URL(gatewayUrl);
  const socket = connect(Number(port), hostname);
  let response = '';
  socket.on('data', (chunk) => {
    response += String(chunk);
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(
    [
      'GET /graphql HTTP/1.1',
      `Host: ${hostname}:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: graphql-transport-ws',
      '',
      '',
    ].join('\r\n'),
  );
  await waitFor(() => response.startsWith('HTTP/1.1 101'), 'the upgrade');
  return { closed };
}

describe('graceful shutdown with subscribers connected', () => {
  it('closes each WebSocket with 1012 (service restart) and ends each SSE stream, never sending `complete`', async () => {
    const platform = await startShelfPlatform();
    const token = await platform.token('viewer');
    const socket = recordSocket(platform.gateway.url, token, readings);
    const response = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: readings }),
    });
    const stream = readEvents(response.body as ReadableStream<Uint8Array>);
    try {
      await waitFor(async () => (await subscriptionsOn(platform.gateway)) === 2, 'both subscriptions');
      await waitFor(() => platform.graph.readings.subscribers() === 1, 'the upstream');
      platform.graph.readings.publish({ code: 'SHELF-1', temperatureC: 4 });
      await waitFor(() => socket.received.length === 2 && stream.events.length === 1, 'the event on both');

      await platform.gateway.stop();
      await stream.done;
      expect(await socket.closed).toMatchObject({ code: 1012 });
      expect(socket.received.map((m) => m.type)).toEqual(['connection_ack', 'next']);
      expect(stream.ended()).toBe(true);
      expect(stream.events.map((e) => e.event)).toEqual(['next']);
      expect(platform.graph.readings.subscribers()).toBe(0);
    } finally {
      await platform.stop();
    }
  });

  it('finishes within the close timeout with many clients, one of them never answering the close frame', async () => {
    const platform = await startShelfPlatform({ shutdown: { closeTimeoutMs: 500 } });
    // Fifty users, one socket each (one user may hold only so many sockets).
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => platform.token('viewer', `user-${i}`)));
    const clients = tokens.map((token) => gatewayClient(platform.gateway.url, token, { retryAttempts: 3 }));
    try {
      for (const c of clients) c.subscribe(readings);
      const stalled = await stalledWebSocket(platform.gateway.url);
      await waitFor(async () => (await subscriptionsOn(platform.gateway)) === 50, 'fifty subscriptions');

      const started = Date.now();
      await platform.gateway.stop();
      const elapsed = Date.now() - started;
      await stalled.closed;
      expect(elapsed).toBeGreaterThanOrEqual(450);
      expect(elapsed).toBeLessThan(2000);
      expect(clients.every((c) => c.closes[0]?.code === 1012)).toBe(true);
      expect(platform.graph.readings.subscribers()).toBe(0);
      expect(platform.gateway.httpServer.listening).toBe(false);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
      await platform.stop();
    }
  });
});
