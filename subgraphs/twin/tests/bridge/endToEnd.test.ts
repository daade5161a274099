import { connectMqttDevice, createRedisTestPrefix, services, uniqueName, uniqueTopicPrefix } from '@bst/testing';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, coreCatalogSource, startBridge } from '../../src/bridge/index.ts';
import { type AlertEventRecord, createRedisTwinStore, type TwinStore } from '../../src/store/index.ts';
import { catalogFor, refrigerated, type StubCore, startStubCore } from '../support/stubCore.ts';
import { waitFor } from '../support/waitFor.ts';

describe('the bridge, end to end on real Mosquitto and Redis', () => {
  const redis = createRedisTestPrefix('twin_e2e');
  const topicPrefix = uniqueTopicPrefix('twin_e2e');
  let core: StubCore;
  let store: TwinStore;
  let bridge: Bridge;
  let device: MqttClient;
  const alertEvents: AlertEventRecord[] = [];

  beforeAll(async () => {
    core = await startStubCore(catalogFor(['BOX-0001', 'BOX-0002', 'BOX-0003', 'SAMPLE-0001']));
    store = createRedisTwinStore({ redis: redis.target, prefix: redis.prefix });
    await store.subscribeAlertEvents((event) => alertEvents.push(event));
    bridge = await startBridge({
      mqttUrl: services.mqttUrl,
      store,
      catalogSource: coreCatalogSource({ url: core.url, secret: core.secret }),
      topicPrefix,
      clientId: uniqueName('bridge'),
      catalogPollMs: 200,
      schedulerIntervalMs: 200,
    });
    device = await connectMqttDevice();
  });

  afterAll(async () => {
    await device?.endAsync();
    await bridge?.stop();
    await store?.close();
    await core?.close();
    await redis.cleanup();
  });

  function publish(path: string, payload: unknown): Promise<unknown> {
    return device.publishAsync(`${topicPrefix}/${path}`, JSON.stringify(payload), { qos: 1 });
  }

  it("takes the original's device message into live state within a second", async () => {
    const timestamp = new Date(Date.now() - 60_000).toISOString();
    await publish('telemetry/box/BOX-0001', {
      temperature: 4.2,
      humidity: 55.0,
      timestamp,
      geolocation: '52.5200,13.4050',
      status: 'in_transit',
    });
    const live = await waitFor(async () => {
      const found = await store.live({ entityType: 'CONTAINER', code: 'BOX-0001' });
      expect(found).not.toBeNull();
      return found;
    }, 1000);
    expect(live).toMatchObject({
      temperatureC: 4.2,
      humidityPct: 55,
      lat: 52.52,
      lng: 13.405,
      status: 'in_transit',
      at: Date.parse(timestamp),
      registered: true,
    });
  });

  it('raises one alert for an excursion, stored and published within a second', async () => {
    const start = Date.now() - 30_000;
    await publish('telemetry/box/BOX-0001', { temperature: 9.5, humidity: 55, ts: start });
    await publish('telemetry/box/BOX-0001', { temperature: 10.5, humidity: 55, ts: start + 10_000 });
    const [alert] = await waitFor(async () => {
      const alerts = await store.alerts({ codes: ['BOX-0001'] });
      expect(alerts).toHaveLength(1);
      return alerts;
    }, 1000);
    expect(alert).toMatchObject({ kind: 'TEMPERATURE_HIGH', state: 'ACTIVE_UNACKNOWLEDGED', code: 'BOX-0001' });
    await waitFor(async () => expect(alertEvents.filter((e) => e.code === 'BOX-0001')).toHaveLength(1), 1000);
    await waitFor(async () =>
      expect((await store.live({ entityType: 'CONTAINER', code: 'BOX-0001' }))?.temperatureC).toBe(10.5),
    );
    expect(await store.alerts({ codes: ['BOX-0001'] })).toHaveLength(1);
  });

  it('keeps readings for a code core does not know and surfaces it as unregistered', async () => {
    await publish('telemetry/box/BOX-9999', { temperature: 30, ts: Date.now() });
    await waitFor(async () =>
      expect(await store.unregistered()).toEqual([expect.objectContaining({ code: 'BOX-9999', readings: 1 })]),
    );
    expect(await store.readings({ entityType: 'CONTAINER', code: 'BOX-9999' })).toHaveLength(1);
    expect(await store.alerts({ codes: ['BOX-9999'] })).toEqual([]);
    expect((await store.ingestStats()).unregistered).toBe(1);
  });

  it('treats an update message as a reading plus a status change, and a batch as many readings', async () => {
    const now = Date.now();
    await publish('updates/sample/SAMPLE-0001', [
      { temperature: 5, ts: now - 2000, status: 'collected' },
      { temperature: 5.5, ts: now - 1000, status: 'stored' },
    ]);
    await waitFor(async () =>
      expect(await store.live({ entityType: 'SAMPLE', code: 'SAMPLE-0001' })).toMatchObject({
        temperatureC: 5.5,
        status: 'stored',
      }),
    );
    expect(await store.readings({ entityType: 'SAMPLE', code: 'SAMPLE-0001' })).toHaveLength(2);
  });

  it('applies a storage profile change from core within seconds', async () => {
    await publish('telemetry/box/BOX-0002', { temperature: 10, ts: Date.now() });
    await waitFor(async () => expect(await store.alerts({ codes: ['BOX-0002'] })).toHaveLength(1));
    core.setCatalog(catalogFor(['BOX-0001', 'BOX-0002', 'BOX-0003'], { ...refrigerated, maxTempC: 12 }, 'v2'));
    await waitFor(async () => expect(bridge.catalog.current().version).toBe('v2'), 3000);
    expect((await store.cachedCatalog())?.version).toBe('v2');
    await publish('telemetry/box/BOX-0003', { temperature: 10, ts: Date.now() });
    await publish('telemetry/box/BOX-0003', { temperature: 13, ts: Date.now() + 1 });
    const alerts = await waitFor(async () => {
      const found = await store.alerts({ codes: ['BOX-0003'] });
      expect(found).toHaveLength(1);
      return found;
    });
    expect(alerts[0]?.peakValue).toBe(13);
  });
});
