import { connect, connectAsync, type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../src/index.ts';

function nextMessage(client: MqttClient): Promise<{ topic: string; payload: string; qos: number }> {
  return new Promise((resolve) => {
    client.once('message', (topic, payload, packet) =>
      resolve({ topic, payload: payload.toString(), qos: packet.qos }),
    );
  });
}

describe('the embedded MQTT broker', () => {
  let broker: EmbeddedBroker;
  const clients: MqttClient[] = [];
  const open = async (options: Parameters<typeof connectAsync>[1] = {}) => {
    const client = await connectAsync(broker.url, { reconnectPeriod: 0, ...options });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    broker = await startEmbeddedBroker({ port: 0 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await broker.stop();
  });

  it('listens on 127.0.0.1 and carries a device reading at QoS 1 on the original topics', async () => {
    expect(broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const bridge = await open();
    await bridge.subscribeAsync('bio_supply/#', { qos: 1 });
    const device = await open();
    const received = nextMessage(bridge);
    await device.publishAsync('bio_supply/telemetry/box/BOX-0001', '{"temperature":4.2}', { qos: 1 });
    expect(await received).toEqual({
      topic: 'bio_supply/telemetry/box/BOX-0001',
      payload: '{"temperature":4.2}',
      qos: 1,
    });
  });

  it('keeps a persistent session: QoS 1 readings published while the subscriber is away are delivered when it returns', async () => {
    const session = { clientId: 'platform-test-bridge', clean: false };
    const first = await open(session);
    await first.subscribeAsync('bio_supply/#', { qos: 1 });
    await first.endAsync();

    const device = await open();
    for (const temperature of [3, 4, 5]) {
      await device.publishAsync('bio_supply/telemetry/box/BOX-0002', JSON.stringify({ temperature }), { qos: 1 });
    }

    const received: number[] = [];
    // The handler is attached before CONNACK, so messages the broker delivers right after it are not missed.
    const returning = connect(broker.url, { ...session, reconnectPeriod: 0 });
    clients.push(returning);
    const all = new Promise<void>((resolve) => {
      returning.on('message', (_topic, payload) => {
        received.push((JSON.parse(payload.toString()) as { temperature: number }).temperature);
        if (received.length === 3) resolve();
      });
    });
    await all;
    expect(received).toEqual([3, 4, 5]);
  });

  it('speaks MQTT 3.1.1 (aedes 1.x): an MQTT 5 client is refused, so the bridge must connect with 3.1.1 here', async () => {
    await expect(
      connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 2000 }),
    ).rejects.toThrow(/protocol version/i);
  });

  it('stops: the port no longer accepts connections', async () => {
    await broker.stop();
    await expect(connectAsync(broker.url, { reconnectPeriod: 0, connectTimeout: 1000 })).rejects.toThrow();
  });
});
