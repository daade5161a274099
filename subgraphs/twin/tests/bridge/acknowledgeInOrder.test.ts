import { connectMqttDevice, services, uniqueName, uniqueTopicPrefix } from '@bst/testing';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { acknowledgeInOrder } from '../../src/bridge/delivery/acknowledgeInOrder.ts';
import { waitFor } from '../support/waitFor.ts';

const opened: MqttClient[] = [];

afterEach(async () => {
  for (const client of opened.splice(0)) await client.endAsync(true);
});

/** A persistent session whose messages are stored only when the test says so. */
async function connectLane(clientId: string, topic: string, protocolVersion: 4 | 5) {
  const received: string[] = [];
  const pending = new Map<string, () => void>();
  const client = mqtt.connect(services.mqttUrl, {
    clientId,
    clean: false,
    protocolVersion,
    ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 300 } } : {}),
    reconnectPeriod: 0,
    manualConnect: true,
  });
  opened.push(client);
  acknowledgeInOrder(client, (packet: IPublishPacket) => {
    const body = packet.payload.toString();
    received.push(body);
    return new Promise<void>((resolve) => pending.set(body, resolve));
  });
  client.connect();
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(topic, { qos: 1 });
  const store = (body: string) => {
    pending.get(body)?.();
    pending.delete(body);
  };
  return { client, received, store };
}

/** Drops the connection without a DISCONNECT, as a crash would: the broker keeps what was not acknowledged. */
async function crash(client: MqttClient): Promise<void> {
  opened.splice(opened.indexOf(client), 1);
  await client.endAsync(true);
}

describe.each([4, 5] as const)('acknowledgeInOrder (MQTT %s)', (protocolVersion) => {
  it('acknowledges no message before it and every earlier one are stored, and each stored one once', async () => {
    const clientId = uniqueName('ack-order');
    const topic = `${uniqueTopicPrefix('ack_order')}/telemetry/box/BOX-0001`;
    const first = await connectLane(clientId, topic, protocolVersion);
    const device = await connectMqttDevice();
    try {
      for (const body of ['m1', 'm2', 'm3', 'm4']) await device.publishAsync(topic, body, { qos: 1 });
      await waitFor(async () => expect(first.received).toHaveLength(4));
      // m1 and m2 stored: both acknowledged. m4 stored before m3: its PUBACK waits for m3, which never comes.
      first.store('m2');
      first.store('m1');
      first.store('m4');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await crash(first.client);

      const second = await connectLane(clientId, topic, protocolVersion);
      await waitFor(async () => expect(second.received).toEqual(['m3', 'm4']));
      second.store('m3');
      second.store('m4');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await crash(second.client);

      const third = await connectLane(clientId, topic, protocolVersion);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(third.received).toEqual([]);
    } finally {
      await device.endAsync();
      // A clean connect ends the session the test left on the broker.
      await (await connectMqttDevice({ clientId, clean: true, protocolVersion })).endAsync();
    }
  });
});
