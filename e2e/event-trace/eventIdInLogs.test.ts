import { connectMqttDevice, uniqueTopicPrefix } from '@bst/testing';
import { readingEventId } from '@bst/twin';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ProductionStack, startProductionStack } from '../security-hardening/productionStack.ts';

/** The JSON log lines a service wrote that carry this event id. */
function linesWith(output: string, eventId: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(eventId))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('a reading followed by its event id through the logs', () => {
  let stack: ProductionStack;
  const topicPrefix = uniqueTopicPrefix('event-trace');

  beforeAll(async () => {
    stack = await startProductionStack('event-trace', { bridgeTopicPrefix: topicPrefix, logLevel: 'debug' });
  });
  afterAll(() => stack?.stop());

  it("shows the same event id in the bridge's commit line and the gateway's delivery line", async () => {
    const viewer = await stack.token(['viewer'], 'event-trace');
    const client = createClient({
      url: stack.gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${viewer}` },
      retryAttempts: 0,
    });
    const device = await connectMqttDevice();
    const received: unknown[] = [];
    try {
      const subscribed = new Promise<void>((resolve, reject) => {
        client.on('connected', () => resolve());
        setTimeout(() => reject(new Error('no connection')), 10_000);
      });
      client.subscribe(
        {
          query: 'subscription { liveState(containerCodes: ["BOX-0001"]) { containerCode live { temperatureC at } } }',
        },
        { next: (result) => received.push(result.data), error: (error) => received.push(error), complete: () => {} },
      );
      await subscribed;
      // Published until one arrives: the upstream subscription may still be on its way to the twin.
      const published: number[] = [];
      await expect
        .poll(
          async () => {
            const ts = Date.now();
            published.push(ts);
            await device.publishAsync(
              `${topicPrefix}/telemetry/box/BOX-0001`,
              JSON.stringify({ temperature: 4.5, humidity: 50, ts }),
              { qos: 1 },
            );
            return received.length;
          },
          { timeout: 20_000, interval: 1000 },
        )
        .toBeGreaterThan(0);
      // The first reading whose delivery the gateway logged; the bridge must have logged its commit under that id.
      const idOf = (ts: number) => readingEventId({ entityType: 'CONTAINER', code: 'BOX-0001' }, ts);
      const loggedByGateway = () =>
        published.map(idOf).find((id) => linesWith(stack.gateway.output(), id).length > 0) ?? null;
      await expect.poll(loggedByGateway, { timeout: 10_000 }).not.toBeNull();
      const eventId = loggedByGateway() as string;
      const bridge = stack.bridge?.output() ?? '';
      expect(linesWith(bridge, eventId)).toEqual([
        expect.objectContaining({ service: 'twin-bridge', level: 'debug', msg: 'reading committed', eventId }),
      ]);
      expect(linesWith(stack.gateway.output(), eventId)).toEqual([
        expect.objectContaining({ service: 'gateway', level: 'debug', msg: 'event delivered', eventId, clients: 1 }),
      ]);
    } finally {
      await client.dispose();
      await device.endAsync();
    }
  });
});
