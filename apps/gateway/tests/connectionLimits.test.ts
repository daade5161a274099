import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectionOutcome, gatewayClient, waitFor, webSocketUrl } from './fixtures/gatewayClient.ts';
import { openSse } from './fixtures/sseClient.ts';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

const readings = (code: string) => `subscription { shelfReadings(codes: ["${code}"]) { temperatureC } }`;

describe('bounded connections: payload, sockets and subscriptions', () => {
  let platform: ShelfPlatform;
  beforeAll(async () => {
    platform = await startShelfPlatform({
      connectionLimits: {
        maxWebSocketPayloadBytes: 16 * 1024,
        maxSocketsPerIdentity: 2,
        maxSubscriptionsPerSocket: 3,
        maxSubscriptionsPerIdentity: 4,
      },
    });
  });
  afterAll(() => platform?.stop());

  it('closes a socket whose message exceeds the payload limit with 1009, before reading it, and forwards nothing', async () => {
    const token = await platform.token('viewer', 'big-sender');
    const socket = new WebSocket(webSocketUrl(platform.gateway.url), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await new Promise((resolve) => socket.once('message', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const before = platform.gauges.operations.length;
    const query = `subscription { shelfReadings(codes: ["${'x'.repeat(20 * 1024 * 1024)}"]) { temperatureC } }`;
    socket.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query } }));
    expect(await closed).toBe(1009);
    expect(platform.gauges.operations.length).toBe(before);
  });

  it('refuses a socket over the identity cap with 4429 and a reason; other identities are not held back', async () => {
    const token = await platform.token('viewer', 'hoarder');
    const held = [
      gatewayClient(platform.gateway.url, token, { lazy: false }),
      gatewayClient(platform.gateway.url, token, { lazy: false }),
    ];
    try {
      await waitFor(
        async () => (await connectionOutcome(platform.gateway.url, { authorization: `Bearer ${token}` })) === 4429,
        'the third socket to be refused',
      );
      const other = await platform.token('viewer', 'someone-else');
      expect(await connectionOutcome(platform.gateway.url, { authorization: `Bearer ${other}` })).toBe('acked');
    } finally {
      await Promise.all(held.map((c) => c.dispose()));
    }
  });

  it('refuses a subscription over the socket cap or the identity cap on its id; the socket and the others stay', async () => {
    const token = await platform.token('viewer', 'subscriber');
    const one = gatewayClient(platform.gateway.url, token);
    const two = gatewayClient(platform.gateway.url, token);
    try {
      const onOne = [1, 2, 3, 4].map((i) => one.subscribe(readings(`SHELF-${i}`)));
      await waitFor(() => onOne[3]!.failures.length === 1, 'the fourth subscription on one socket to be refused');
      expect(JSON.stringify(onOne[3]!.failures[0])).toContain('"code":"SUBSCRIPTION_LIMIT_EXCEEDED"');
      expect(JSON.stringify(onOne[3]!.failures[0])).toContain('per socket');
      const onTwo = [5, 6].map((i) => two.subscribe(readings(`SHELF-${i}`)));
      await waitFor(() => onTwo[1]!.failures.length === 1, 'the fifth subscription of the identity to be refused');
      expect(JSON.stringify(onTwo[1]!.failures[0])).toContain('per identity');
      const sse = await openSse(platform.gateway.url, token, readings('SHELF-9'));
      expect(sse.status).toBe(429);
      expect(JSON.stringify(sse.body)).toContain('SUBSCRIPTION_LIMIT_EXCEEDED');
      expect(onOne.slice(0, 3).every((s) => s.failures.length === 0)).toBe(true);
      expect(one.closes).toEqual([]);
      // Completing one frees its place.
      onOne[0]!.stop();
      await waitFor(() => platform.graph.readings.subscribers() === 3, 'the completed subscription to leave');
      const again = two.subscribe(readings('SHELF-7'));
      await waitFor(() => platform.graph.readings.subscribers() === 4, 'a freed place to be taken');
      expect(again.failures).toEqual([]);
    } finally {
      await Promise.all([one.dispose(), two.dispose()]);
    }
  });
});
