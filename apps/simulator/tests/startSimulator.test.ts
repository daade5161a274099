import { services, uniqueName } from '@bst/testing';
import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { demoFleet, type Simulator, startSimulator } from '../src/index.ts';

describe('startSimulator', () => {
  let simulator: Simulator | undefined;
  afterEach(async () => {
    await simulator?.stop();
  });

  it('publishes the fleet over real MQTT (QoS 1) on the original topics, with the original payload plus seq', async () => {
    const prefix = uniqueName('simulator');
    const listener = await connectAsync(services.mqttUrl);
    const received: Array<{ topic: string; payload: Record<string, unknown>; qos: number }> = [];
    listener.on('message', (topic, message, packet) => {
      received.push({
        topic: topic.slice(prefix.length + 1),
        payload: JSON.parse(message.toString()),
        qos: packet.qos,
      });
    });
    await listener.subscribeAsync(`${prefix}/bio_supply/#`, { qos: 1 });
    try {
      simulator = startSimulator({
        mqttUrl: services.mqttUrl,
        topicPrefix: prefix,
        intervalMs: 100,
        scenario: 'steady',
      });
      await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(demoFleet.length * 3);
      expect(simulator.connected()).toBe(true);
      await simulator.stop();
      expect(simulator.connected()).toBe(false);
      expect(simulator.published()).toBeGreaterThanOrEqual(demoFleet.length * 3);

      const topics = new Set(received.map((message) => message.topic));
      for (const sensor of demoFleet) expect(topics).toContain(`bio_supply/telemetry/box/${sensor.code}`);
      for (const { topic, payload, qos } of received) {
        expect(topic).toMatch(/^bio_supply\/(telemetry|updates)\/box\/[A-Z0-9-]+$/);
        expect(qos).toBe(1);
        expect(payload).toMatchObject({
          temperature: expect.any(Number),
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          geolocation: expect.stringMatching(/^-?\d+\.\d+,-?\d+\.\d+$/),
          status: expect.any(String),
          seq: expect.any(Number),
        });
      }
      const box1 = received
        .filter((message) => message.topic.endsWith('/BOX-0001'))
        .map((message) => message.payload.seq);
      expect(box1.slice(0, 3)).toEqual([1, 2, 3]);
    } finally {
      await listener.endAsync();
    }
  });
});
