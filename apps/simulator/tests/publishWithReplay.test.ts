import { connectPersistentSubscriber, type MosquittoBroker, startMosquitto, uniqueName } from '@bst/testing';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishWithReplay } from '../src/index.ts';

const persistentSubscriber = (url: string, clientId: string, topic: string, received: string[]) =>
  connectPersistentSubscriber(url, clientId, topic, (payload) => received.push(payload));

describe('publishWithReplay against a real Mosquitto killed with -9 (project settings: a save every few seconds)', () => {
  let broker: MosquittoBroker;
  let device: MqttClient;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await device?.endAsync(true);
    await broker?.stop();
  });

  it('every reading the broker acknowledged reaches the queued session after the crash, the replay before new readings', async () => {
    const topic = `replay/${uniqueName('device')}`;
    const sessionId = uniqueName('bridge');
    const received: string[] = [];
    await (await persistentSubscriber(broker.url, sessionId, topic, received)).endAsync();
    await broker.saved();

    device = await mqtt.connectAsync(broker.url, { clientId: uniqueName('dev'), reconnectPeriod: 100, log: () => {} });
    device.on('error', () => {});
    const replaying = publishWithReplay(device);
    const before = Array.from({ length: 300 }, (_, i) => `before-${i}`);
    await Promise.all(before.map((payload) => replaying.publish(topic, payload)));

    // Acknowledged and queued for the absent session, then killed before the broker's next save.
    await broker.process.kill('SIGKILL');
    // Readings due while the broker is down (those already on the wire when it died, mqtt.js re-sends first).
    await expect.poll(() => device.connected).toBe(false);
    const after = Array.from({ length: 50 }, (_, i) => `after-${i}`);
    const afterAcked = Promise.all(after.map((payload) => replaying.publish(topic, payload)));
    expect(replaying.stats().held).toBe(after.length);
    await broker.process.restart();
    await afterAcked;
    expect(replaying.stats().replayed).toBeGreaterThanOrEqual(before.length);

    const subscriber = await persistentSubscriber(broker.url, sessionId, topic, received);
    try {
      await expect.poll(() => new Set(received).size, { timeout: 15_000 }).toBe(before.length + after.length);
      const firstAfter = received.indexOf('after-0');
      for (const payload of before) expect(received.lastIndexOf(payload)).toBeLessThan(firstAfter);
      expect(received.filter((p) => p.startsWith('after-'))).toEqual(after);
    } finally {
      await subscriber.endAsync();
    }
  }, 60_000);
});
