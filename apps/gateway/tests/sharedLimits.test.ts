import { services, startTcpProxy, type TcpProxy, uniqueName } from '@bst/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedLimits } from '../src/limits/createSharedLimits.ts';
import { createGateway, type Gateway } from '../src/server.ts';
import { connectionOutcome, gatewayClient, waitFor } from './fixtures/gatewayClient.ts';
import { type ShelfPlatform, startShelfPlatform, testJwtSecret } from './fixtures/startShelfPlatform.ts';
import { testGatewaySecret } from './fixtures/startSubgraph.ts';

const labelQuery = { query: '{ shelf(code: "SHELF-1") { label } }' };
const redisUrl = new URL(services.redisUrl);

async function post(gatewayUrl: string, token: string) {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(labelQuery),
  });
  return response.status;
}

async function metric(gateway: Gateway, name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', gateway.url))).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
}

describe('rate limit and caps shared by gateway instances through Redis', () => {
  const prefix = uniqueName('gateway_limits');
  let platform: ShelfPlatform;
  let second: Gateway;
  beforeAll(async () => {
    const shared = {
      rateLimit: { perMinute: 4 },
      connectionLimits: { maxSocketsPerIdentity: 2 },
      sharedLimitsRedis: { url: services.redisUrl, prefix },
    };
    platform = await startShelfPlatform(shared);
    second = await createGateway({
      supergraphPath: platform.supergraphPath,
      port: 0,
      host: '127.0.0.1',
      auth: { mode: 'jwt', jwtSecret: testJwtSecret },
      sharedSecret: testGatewaySecret,
      ...shared,
    });
    // A gateway whose Redis did not answer within its start-up wait limits per instance until Redis answers (that has
    // its own test below): what is tested here begins once both share their limits.
    await waitFor(
      async () =>
        (await metric(platform.gateway, 'bst_gateway_shared_limits_degraded')) === 0 &&
        (await metric(second, 'bst_gateway_shared_limits_degraded')) === 0,
      'both gateways to share their limits through Redis',
      20_000,
    );
  });
  afterAll(async () => {
    await second?.stop();
    await platform?.stop();
    const redis = new Redis(services.redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts one client across instances: its fifth request is refused on whichever instance it reaches', async () => {
    const token = await platform.token('viewer', 'roaming');
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await post(i % 2 ? second.url : platform.gateway.url, token));
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(await post(second.url, await platform.token('viewer', 'someone-else'))).toBe(200);
  });

  it('caps sockets per identity across instances (4429), and frees a place when a socket closes', async () => {
    const token = await platform.token('viewer', 'many-sockets');
    const first = gatewayClient(platform.gateway.url, token, { lazy: false });
    const other = gatewayClient(second.url, token, { lazy: false });
    try {
      await waitFor(
        async () => (await connectionOutcome(platform.gateway.url, { authorization: `Bearer ${token}` })) === 4429,
        'the third socket to be refused',
      );
      expect(await connectionOutcome(second.url, { authorization: `Bearer ${token}` })).toBe(4429);
      await first.dispose();
      await waitFor(
        async () => (await connectionOutcome(second.url, { authorization: `Bearer ${token}` })) === 'acked',
        'a place to free up',
      );
    } finally {
      await Promise.all([first.dispose(), other.dispose()]);
    }
  });
});

describe('a Redis outage', () => {
  let proxy: TcpProxy;
  let platform: ShelfPlatform;
  const prefix = uniqueName('gateway_limits_outage');
  beforeAll(async () => {
    proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    platform = await startShelfPlatform({
      rateLimit: { perMinute: 600 },
      sharedLimitsRedis: { url: `redis://127.0.0.1:${proxy.port}`, prefix },
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await proxy?.stop();
  });

  it('does not take the gateway down: it limits per instance, says so in metrics, and goes back to Redis', async () => {
    const token = await platform.token('viewer', 'during-outage');
    expect(await post(platform.gateway.url, token)).toBe(200);
    expect(await metric(platform.gateway, 'bst_gateway_shared_limits_degraded')).toBe(0);
    proxy.cut();
    const started = Date.now();
    expect(await post(platform.gateway.url, token)).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await metric(platform.gateway, 'bst_gateway_shared_limits_degraded')).toBe(1);
    const health = Date.now();
    expect((await fetch(new URL('/health', platform.gateway.url))).status).toBe(200);
    expect(Date.now() - health).toBeLessThan(200);
    const subscription = gatewayClient(platform.gateway.url, token).subscribe(
      'subscription { shelfReadings(codes: ["SHELF-1"]) { temperatureC } }',
    );
    await waitFor(() => platform.graph.readings.subscribers() === 1, 'a subscription admitted by the local count');
    subscription.stop();
    proxy.restore();
    await waitFor(
      async () => {
        await post(platform.gateway.url, token);
        return (await metric(platform.gateway, 'bst_gateway_shared_limits_degraded')) === 0;
      },
      'the limits to be shared again',
      10_000,
    );
  });
});

describe('leases held by an instance are renewed while it lives', () => {
  it('keeps every place of an identity with thousands of sockets past the lease time, and frees them on close', async () => {
    const prefix = uniqueName('gateway_leases');
    const leaseMs = 600;
    const limits = createSharedLimits({ redis: { url: services.redisUrl, prefix }, leaseMs });
    const redis = new Redis(services.redisUrl);
    try {
      await limits.ready();
      const leases = Array.from({ length: 1200 }, () => limits.newLease());
      const granted = await Promise.all(leases.map((lease) => limits.acquire('sockets', 'crowd', lease, 5000)));
      expect(granted.every(Boolean)).toBe(true);
      expect(await limits.acquire('subscriptions', 'alone', limits.newLease(), 1)).toBe(true);
      // Three lease times later, only renewals (in batches) can have kept them: an unrenewed lease has expired.
      await new Promise((resolve) => setTimeout(resolve, leaseMs * 3));
      const now = Number((await redis.time())[0]) * 1000;
      const crowd = await redis.zrange(`${prefix}:sockets:crowd`, 0, -1, 'WITHSCORES');
      expect(crowd.length / 2).toBe(1200);
      expect(Math.min(...crowd.filter((_, i) => i % 2 === 1).map(Number))).toBeGreaterThan(now);
      expect(await redis.zcard(`${prefix}:subscriptions:alone`)).toBe(1);
      expect(await limits.acquire('subscriptions', 'alone', limits.newLease(), 1)).toBe(false);
    } finally {
      await limits.close();
      expect(await redis.zcard(`${prefix}:sockets:crowd`)).toBe(0);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
