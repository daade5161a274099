import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/server.ts';
import { type ClientSubscription, gatewayClient, waitFor } from './fixtures/gatewayClient.ts';
import { sseClient } from './fixtures/sseClient.ts';
import { type LoadBalancer, startLoadBalancer } from './fixtures/startLoadBalancer.ts';
import { type ShelfPlatform, startShelfPlatform, testJwtSecret } from './fixtures/startShelfPlatform.ts';
import { testGatewaySecret } from './fixtures/startSubgraph.ts';

const readingsWithShelf = `subscription Readings($codes: [String!]) {
  shelfReadings(codes: $codes) { temperatureC shelf { label } }
}`;

const subscriptionsOn = async (gateway: Gateway, transport?: 'ws' | 'sse') =>
  (await gateway.metrics.activeSubscriptions.get()).values
    .filter((v) => !transport || v.labels.transport === transport)
    .reduce((n, v) => n + v.value, 0);

const temperatures = (s: ClientSubscription) =>
  s.results.map((r) => (r.data?.shelfReadings as { temperatureC: number } | undefined)?.temperatureC);

/** Waits until every client has `count` events, then a little longer, so that a duplicate would have arrived. */
async function settled(subscriptions: ClientSubscription[], count: number) {
  await waitFor(() => subscriptions.every((s) => s.results.length >= count), `every client to get ${count} events`);
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe('several gateway instances behind a load balancer', () => {
  let platform: ShelfPlatform;
  let second: Gateway;
  let balancer: LoadBalancer;
  beforeAll(async () => {
    platform = await startShelfPlatform();
    second = await createGateway({
      supergraphPath: platform.supergraphPath,
      port: 0,
      host: '127.0.0.1',
      auth: { mode: 'jwt', jwtSecret: testJwtSecret },
      sharedSecret: testGatewaySecret,
    });
    balancer = await startLoadBalancer([platform.gateway.url, second.url]);
  });
  afterAll(async () => {
    await balancer?.stop();
    await second?.stop();
    await platform?.stop();
  });

  it('each subscriber receives each event exactly once, and a client moved to the other instance keeps receiving', async () => {
    const token = await platform.token('viewer');
    const clients = Array.from({ length: 6 }, () => gatewayClient(balancer.url, token, { retryAttempts: 5 }));
    try {
      const subscriptions = clients.map((c) => c.subscribe(readingsWithShelf, { codes: ['SHELF-1'] }));
      await waitFor(
        async () => (await subscriptionsOn(platform.gateway)) === 3 && (await subscriptionsOn(second)) === 3,
        'three clients subscribed on each instance',
      );
      await waitFor(() => platform.graph.readings.subscribers() === 2, 'one upstream per instance');

      platform.graph.readings.publish({ code: 'SHELF-1', temperatureC: 5 });
      await settled(subscriptions, 1);
      expect(subscriptions.map(temperatures)).toEqual(Array.from({ length: 6 }, () => [5]));

      balancer.takeOut(0);
      await waitFor(
        async () => (await subscriptionsOn(second)) === 6 && (await subscriptionsOn(platform.gateway)) === 0,
        'every client resubscribed on the remaining instance',
        10_000,
      );
      await waitFor(() => platform.graph.readings.subscribers() === 1, 'the first instance to close its upstream');

      platform.graph.readings.publish({ code: 'SHELF-1', temperatureC: 6 });
      await settled(subscriptions, 2);
      expect(subscriptions.map(temperatures)).toEqual(Array.from({ length: 6 }, () => [5, 6]));
      expect(subscriptions.flatMap((s) => s.failures)).toEqual([]);
      expect(balancer.connectionsTo(1)).toBe(6);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
  });
});

describe('a rolling restart behind a load balancer', () => {
  let platform: ShelfPlatform;
  let replacement: Gateway;
  let balancer: LoadBalancer;
  beforeAll(async () => {
    platform = await startShelfPlatform();
    replacement = await createGateway({
      supergraphPath: platform.supergraphPath,
      port: 0,
      host: '127.0.0.1',
      auth: { mode: 'jwt', jwtSecret: testJwtSecret },
      sharedSecret: testGatewaySecret,
    });
    balancer = await startLoadBalancer([platform.gateway.url, replacement.url]);
  });
  afterAll(async () => {
    await balancer?.stop();
    await replacement?.stop();
    await platform?.stop();
  });

  it('subscribers of a gateway that shuts down gracefully resubscribe on the other instance and miss nothing, each event once', async () => {
    const token = await platform.token('viewer');
    const webSockets = Array.from({ length: 4 }, () => gatewayClient(balancer.url, token, { retryAttempts: 5 }));
    const streams = Array.from({ length: 2 }, () => sseClient(balancer.url, token, { retryAttempts: 5 }));
    try {
      balancer.drain(1);
      const subscriptions = [...webSockets, ...streams].map((c) =>
        c.subscribe(readingsWithShelf, { codes: ['SHELF-1'] }),
      );
      await waitFor(
        async () =>
          (await subscriptionsOn(platform.gateway, 'ws')) === 4 &&
          (await subscriptionsOn(platform.gateway, 'sse')) === 2,
        'every client subscribed on the first instance',
      );
      // An event published before the shared upstream reaches the subgraph has no one to go to.
      await waitFor(() => platform.graph.readings.subscribers() === 1, 'the first instance subscribed upstream');
      platform.graph.readings.publish({ code: 'SHELF-1', temperatureC: 5 });
      await settled(subscriptions, 1);

      balancer.admit(1);
      balancer.drain(0);
      const started = Date.now();
      await platform.gateway.stop();
      expect(Date.now() - started).toBeLessThan(3000);
      await waitFor(
        async () =>
          (await subscriptionsOn(replacement, 'ws')) === 4 && (await subscriptionsOn(replacement, 'sse')) === 2,
        'every client resubscribed on the replacement',
        10_000,
      );
      await waitFor(() => platform.graph.readings.subscribers() === 1, 'only the replacement subscribed upstream');

      platform.graph.readings.publish({ code: 'SHELF-1', temperatureC: 6 });
      await settled(subscriptions, 2);
      expect(subscriptions.map(temperatures)).toEqual(Array.from({ length: 6 }, () => [5, 6]));
      expect(subscriptions.map((s) => s.completed)).toEqual(Array.from({ length: 6 }, () => false));
      expect(subscriptions.flatMap((s) => s.failures)).toEqual([]);
      expect(webSockets.map((c) => c.closes.map((close) => close.code))).toEqual(
        Array.from({ length: 4 }, () => [1012]),
      );
      expect(streams.map((c) => c.connects())).toEqual([2, 2]);
    } finally {
      await Promise.all([...webSockets, ...streams].map((c) => c.dispose()));
    }
  });
});
