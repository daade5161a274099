import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slowConsumerCloseCode } from '../src/subscriptions/index.ts';
import { gatewayClient, waitFor } from './fixtures/gatewayClient.ts';
import { stalledWebSocket } from './fixtures/stalledWebSocket.ts';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

// A client that stops reading a slow stream never fills its buffer in the hub (the kernel's socket buffers hold MBs);
// what shows it stopped is the ping it never answers. It must leave as a slow consumer, with the documented 4008, not
// vanish uncounted; a socket that sent nothing and answers nothing is a dead peer and is cut.
// Short, so the test is quick; long enough that a loaded machine still answers pings within it.
const keepAliveMs = 1000;
const query = 'subscription { shelfEvents { cursor temperatureC } }';

const slowConsumers = async (platform: ShelfPlatform) =>
  (await platform.gateway.metrics.slowConsumers.get()).values.find((v) => v.labels.transport === 'ws')?.value ?? 0;
const activeSubscriptions = async (platform: ShelfPlatform) =>
  (await platform.gateway.metrics.activeSubscriptions.get()).values.reduce((n, v) => n + v.value, 0);

describe('the WebSocket keep-alive tells a stalled reader from a dead peer', () => {
  let platform: ShelfPlatform;
  beforeAll(async () => {
    platform = await startShelfPlatform({ subscriptions: { keepAliveMs } });
  });
  afterAll(() => platform?.stop());

  it('a client that stops reading a trickle of events is dropped as a slow consumer (4008, counted)', async () => {
    const stalled = await stalledWebSocket(platform, query);
    await waitFor(async () => (await activeSubscriptions(platform)) === 1, 'the subscription');
    stalled.socket.pause();
    const before = await slowConsumers(platform);
    // A few small events, far below the client's buffer limits: only the unanswered ping can tell.
    let published = 0;
    const trickle = setInterval(() => platform.graph.events.append({ code: 'SHELF-2', temperatureC: published++ }), 50);
    try {
      await waitFor(async () => (await slowConsumers(platform)) === before + 1, 'the slow consumer', 10_000);
    } finally {
      clearInterval(trickle);
    }
    expect(published).toBeLessThan(300);
    // Reading again within the grace period, the client finds the close frame behind the events already sent.
    stalled.socket.resume();
    expect(await stalled.closed).toMatchObject({
      code: slowConsumerCloseCode,
      reason: expect.stringContaining('Slow consumer'),
    });
    await waitFor(async () => (await activeSubscriptions(platform)) === 0, 'its subscription to be released');
  });

  it('a socket that stops answering with nothing sent to it is cut, not counted as a slow consumer', async () => {
    const stalled = await stalledWebSocket(platform, query);
    await waitFor(async () => (await activeSubscriptions(platform)) === 1, 'the subscription');
    const before = await slowConsumers(platform);
    stalled.socket.pause();
    await waitFor(async () => (await activeSubscriptions(platform)) === 0, 'the dead peer to be cut', 10_000);
    expect(await slowConsumers(platform)).toBe(before);
    stalled.socket.terminate();
  });

  it('a client that reads keeps its subscription through many keep-alive intervals', async () => {
    const client = gatewayClient(platform.gateway.url, await platform.token('viewer', 'reader'));
    try {
      const received = client.subscribe(query);
      await waitFor(async () => (await activeSubscriptions(platform)) === 1, 'the subscription');
      // The gateway counts a subscription before its upstream is open: an event published earlier reaches nobody.
      await waitFor(() => platform.graph.events.subscribers() === 1, 'the upstream subscription');
      const before = await slowConsumers(platform);
      for (let i = 0; i < 30; i++) {
        platform.graph.events.append({ code: 'SHELF-2', temperatureC: i });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await waitFor(() => received.results.length === 30, 'every event');
      expect(received.failures).toEqual([]);
      expect(await activeSubscriptions(platform)).toBe(1);
      expect(await slowConsumers(platform)).toBe(before);
    } finally {
      await client.dispose();
    }
  });
});
