import type { StorageProfile } from '@bst/coldchain';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { publishWithReplay, type ReplayingPublisher } from '@bst/simulator';
import {
  createRedisTestPrefix,
  type MosquittoBroker,
  startMosquitto,
  uniqueName,
  uniqueTopicPrefix,
} from '@bst/testing';
import { type Bridge, type CatalogSource, createRedisTwinStore, startBridge } from '@bst/twin';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MINUTE = 60_000;
// A day before staleness and limits beyond the stream's span: only the excursion in each box's stream raises an alert.
const profile: StorageProfile = refrigeratedProfile({
  id: 'broker-crash',
  staleAfterSeconds: 86_400,
  maxExcursionMinutes: 10_000,
  excursionBudgetMinutes: 10_000,
});

interface Reading {
  code: string;
  at: number;
  temperature: number;
}

/** `perBox` readings a minute apart per box, interleaved, each box with one ten-minute excursion above 8 °C. */
function readingsFor(codes: string[], perBox: number, start: number): Reading[] {
  const readings: Reading[] = [];
  for (let i = 0; i < perBox; i++) {
    for (const code of codes) readings.push({ code, at: start + i * MINUTE, temperature: i >= 40 && i < 50 ? 11 : 5 });
  }
  return readings;
}

/**
 * Issue 11: Mosquitto acknowledges a QoS 1 reading before it saves it, so `kill -9` loses its unsaved tail (with the
 * project's time-based saving, up to a save interval of readings). The device replays what the broker acknowledged in
 * its last 30 s after it reconnects; the bridge stores a redelivered reading once. Every acknowledged reading must be
 * stored exactly once, and the replay must raise no alert or transition twice.
 */
describe('a broker killed with -9: every reading it acknowledged is stored once, through the device replay', () => {
  const redis = createRedisTestPrefix('broker_crash');
  const store = createRedisTwinStore({ redis: redis.target, prefix: redis.prefix });
  const topicPrefix = uniqueTopicPrefix('broker_crash');
  const bridgeClientId = uniqueName('crash_bridge');
  const codes = { queued: ['BOX-Q001', 'BOX-Q002', 'BOX-Q003'], flowing: ['BOX-F001', 'BOX-F002', 'BOX-F003'] };
  const catalogSource: CatalogSource = {
    version: async () => 'v1',
    catalog: async () => ({
      version: 'v1',
      profiles: [profile],
      bindings: [...codes.queued, ...codes.flowing].map((code) => ({
        entityType: 'CONTAINER' as const,
        code,
        profileId: profile.id,
      })),
    }),
  };
  let broker: MosquittoBroker;
  let bridge: Bridge;
  let client: MqttClient;
  let device: ReplayingPublisher;

  const connectBridge = () =>
    startBridge({
      mqttUrl: broker.url,
      store,
      catalogSource,
      topicPrefix,
      clientId: bridgeClientId,
      // Readings are in the past: a wall-clock scheduler would call the sensors silent.
      schedulerIntervalMs: false,
    });
  const publish = (reading: Reading) =>
    device.publish(
      `${topicPrefix}/telemetry/box/${reading.code}`,
      JSON.stringify({ temperature: reading.temperature, humidity: 50, ts: reading.at }),
    );

  /** Each box holds exactly its readings (none missing, none twice) and one alert whose transitions are all distinct. */
  async function expectStoredOnce(readings: Reading[], boxes: string[]) {
    for (const code of boxes) {
      const expected = readings.filter((r) => r.code === code).map((r) => r.at);
      await expect
        .poll(async () => (await store.readings({ entityType: 'CONTAINER', code })).length, { timeout: 60_000 })
        .toBeGreaterThanOrEqual(expected.length);
      const stored = await store.readings({ entityType: 'CONTAINER', code });
      expect(stored.map((r) => r.at)).toEqual(expected);
      const alerts = (await store.alerts({}, 1000)).filter((alert) => alert.code === code);
      expect(alerts).toHaveLength(1);
      const transitions = (await store.alertEvents((alerts[0] as { id: string }).id)).map((e) => e.transition);
      expect(transitions).toContain('RAISED');
      expect(transitions).toEqual([...new Set(transitions)]);
    }
  }

  beforeAll(async () => {
    broker = await startMosquitto();
    bridge = await connectBridge();
    // The bridge's persistent session must be in the broker's database before any crash.
    await broker.saved();
    client = await mqtt.connectAsync(broker.url, {
      clientId: uniqueName('device'),
      reconnectPeriod: 100,
      log: () => {},
    });
    client.on('error', () => {});
    device = publishWithReplay(client);
  });

  afterAll(async () => {
    await client?.endAsync(true);
    await bridge?.stop();
    await broker?.stop();
    await store.close();
    await redis.cleanup();
  });

  it('readings queued for a bridge that is away, the broker killed right after acknowledging them', async () => {
    await bridge.stop();
    const readings = readingsFor(codes.queued, 100, Date.now() - 200 * MINUTE);
    await Promise.all(readings.map(publish));
    await broker.process.kill('SIGKILL');
    await broker.process.restart();
    await expect.poll(() => device.stats().replayed, { timeout: 20_000 }).toBeGreaterThanOrEqual(readings.length);
    bridge = await connectBridge();
    await expectStoredOnce(readings, codes.queued);
  }, 120_000);

  it('readings flowing to a connected bridge, the broker killed mid-stream', async () => {
    const readings = readingsFor(codes.flowing, 200, Date.now() - 300 * MINUTE);
    const acknowledged: Promise<void>[] = [];
    for (const [i, reading] of readings.entries()) {
      acknowledged.push(publish(reading));
      if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 20));
      if (i === readings.length / 2) {
        await Promise.all(acknowledged);
        await broker.process.kill('SIGKILL');
        await broker.process.restart();
      }
    }
    await Promise.all(acknowledged);
    expect(device.stats().replayed).toBeGreaterThan(0);
    await expectStoredOnce(readings, codes.flowing);
  }, 120_000);
});
