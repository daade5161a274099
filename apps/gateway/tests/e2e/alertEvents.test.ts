import { resolve } from 'node:path';
import { type CoreSubgraph, startCoreSubgraph } from '@bst/core';
import {
  connectMqttDevice,
  createRedisTestPrefix,
  createTestDatabase,
  services,
  type TestDatabase,
  uniqueName,
  uniqueTopicPrefix,
} from '@bst/testing';
import {
  type Bridge,
  coreCatalogSource,
  createRedisTwinStore,
  startBridge,
  startTwinSubgraph,
  type TwinStore,
  type TwinSubgraph,
} from '@bst/twin';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/index.ts';
import { createGateway, type Gateway } from '../../src/server.ts';
import { gatewayClient, waitFor } from '../fixtures/gatewayClient.ts';

const supergraphPath = resolve(import.meta.dirname, '../../../../schema/supergraph.graphql');
const jwtSecret = 'gateway-e2e-secret';

const alertEventsQuery = `subscription Alerts($filter: AlertFilter) {
  alertEvents(filter: $filter) {
    transition
    alert { id kind state container { code site { name } samples { code } } }
  }
}`;

interface AlertEventResult {
  alertEvents: {
    transition: string;
    alert: {
      id: string;
      kind: string;
      state: string;
      container: { code: string; site: { name: string }; samples: { code: string }[] };
    };
  };
}

/** Reads graphql-sse `next` payloads from a streaming response. */
function sseEvents(body: ReadableStream<Uint8Array>) {
  const events: unknown[] = [];
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (/^event: next$/m.test(message) && data) events.push(JSON.parse(data));
      }
    }
  })();
  return { events, cancel: () => reader.cancel() };
}

describe('an alert, end to end: MQTT → bridge → Redis → twin → gateway (WebSocket and SSE) with core fields', () => {
  const redisPrefix = createRedisTestPrefix('gateway_e2e');
  const topicPrefix = uniqueTopicPrefix('gateway_e2e');
  const secret = 'gateway-e2e-shared-secret';
  let database: TestDatabase;
  let core: CoreSubgraph;
  let store: TwinStore;
  let twin: TwinSubgraph;
  let bridge: Bridge;
  let gateway: Gateway;
  let redis: Redis;
  let device: Awaited<ReturnType<typeof connectMqttDevice>>;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_e2e');
    core = await startCoreSubgraph({ databaseUrl: database.url, gatewaySecret: secret, seed: true });
    const catalogSource = coreCatalogSource({ url: core.url, secret });
    store = createRedisTwinStore({ redis: redisPrefix.url, prefix: redisPrefix.prefix });
    twin = await startTwinSubgraph({ store, gatewaySecret: secret, catalogSource });
    bridge = await startBridge({
      mqttUrl: services.mqttUrl,
      store,
      catalogSource,
      topicPrefix,
      clientId: uniqueName('bridge'),
      catalogPollMs: 200,
      schedulerIntervalMs: 200,
    });
    gateway = await createGateway({
      supergraphPath,
      port: 0,
      host: '127.0.0.1',
      subgraphUrls: { core: core.url, twin: twin.url },
      auth: { mode: 'jwt', jwtSecret },
      sharedSecret: secret,
    });
    redis = new Redis(services.redisUrl);
    device = await connectMqttDevice();
  });
  afterAll(async () => {
    await device?.endAsync();
    redis?.disconnect();
    await gateway?.stop();
    await bridge?.stop();
    await twin?.stop();
    await store?.close();
    await core?.stop();
    await database?.drop();
    await redisPrefix.cleanup();
  });

  it('delivers RAISED, ACKNOWLEDGED and CLEARED with the container, its site and samples filled from core', async () => {
    const token = await signToken(jwtSecret, { subject: 'olga', roles: ['operator'] });
    const client = gatewayClient(gateway.url, token);
    const variables = { filter: { containerCodes: ['BOX-0001'], kinds: ['TEMPERATURE_HIGH'] } };
    const overWebSocket = client.subscribe(alertEventsQuery, variables);
    const stream = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: alertEventsQuery, variables }),
    });
    const overSse = sseEvents(stream.body as ReadableStream<Uint8Array>);
    try {
      await waitFor(async () => {
        const [, count] = (await redis.pubsub('NUMSUB', store.channels.alertEvents)) as [string, number];
        return Number(count) > 0;
      }, 'the twin to subscribe to alert events');
      await expect(gateway.metrics.upstreamSubscriptions.get()).resolves.toMatchObject({ values: [{ value: 1 }] });

      const publish = (payload: object) =>
        device.publishAsync(`${topicPrefix}/telemetry/box/BOX-0001`, JSON.stringify(payload), { qos: 1 });
      // Seeded "Default SLA": 2..8 °C, an excursion only after 300 s out of range, hysteresis 0.5 °C.
      const minute = 60_000;
      const start = Date.now() - 12 * minute;
      await publish({ temperature: 12.5, humidity: 50, ts: start });
      await publish({ temperature: 13, humidity: 50, ts: start + 6 * minute });
      await waitFor(() => overWebSocket.results.length >= 1, 'RAISED', 10_000);
      const raised = overWebSocket.results[0]?.data as AlertEventResult | undefined;
      expect(raised?.alertEvents).toMatchObject({
        transition: 'RAISED',
        alert: {
          kind: 'TEMPERATURE_HIGH',
          container: {
            code: 'BOX-0001',
            site: { name: 'Berlin Biobank' },
            samples: expect.arrayContaining([{ code: 'SAMPLE-0001' }]),
          },
        },
      });

      const alertId = raised?.alertEvents.alert.id;
      const ack = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: 'mutation Ack($id: ID!) { acknowledgeAlert(id: $id, note: "moved to cold room") { state } }',
          variables: { id: alertId },
        }),
      });
      expect(await ack.json()).toEqual({ data: { acknowledgeAlert: { state: 'ACTIVE_ACKNOWLEDGED' } } });
      await waitFor(() => overWebSocket.results.length >= 2, 'ACKNOWLEDGED', 10_000);

      await publish({ temperature: 5, humidity: 50, ts: start + 8 * minute });
      await publish({ temperature: 5, humidity: 50, ts: start + 9 * minute });
      await waitFor(() => overWebSocket.results.length >= 3, 'CLEARED', 10_000);
      const transitions = overWebSocket.results.map(
        (r) => (r.data as AlertEventResult | undefined)?.alertEvents.transition,
      );
      expect(transitions).toEqual(['RAISED', 'ACKNOWLEDGED', 'CLEARED']);
      expect(overWebSocket.results.every((r) => r.errors === undefined)).toBe(true);

      await waitFor(() => overSse.events.length >= 3, 'the same three events over SSE');
      expect(overSse.events).toEqual(overWebSocket.results);
    } finally {
      await overSse.cancel();
      await client.dispose();
    }
  });
});
