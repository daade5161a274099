import { connectMqttDevice, createRedisTestPrefix, services, uniqueName, uniqueTopicPrefix } from '@bst/testing';
import { afterAll, expect, it } from 'vitest';
import { coreCatalogSource, startBridge } from '../../src/bridge/index.ts';
import { createRedisTwinStore } from '../../src/store/index.ts';
import { catalogFor, startStubCore } from '../support/stubCore.ts';
import { waitFor } from '../support/waitFor.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

for (const protocolVersion of [4, 5] as const) {
  it(`stores a retained reading once: restarting the bridge does not ingest it again (MQTT ${protocolVersion === 4 ? '3.1.1' : '5'})`, async () => {
    const redis = createRedisTestPrefix('twin_retained');
    const store = createRedisTwinStore({ redis: redis.target, prefix: redis.prefix });
    const core = await startStubCore(catalogFor(['BOX-0001']));
    cleanups.push(
      () => redis.cleanup(),
      () => store.close(),
      () => core.close(),
    );
    const topicPrefix = uniqueTopicPrefix('twin_retained');
    const clientId = uniqueName('bridge');
    const start = () =>
      startBridge({
        mqttUrl: services.mqttUrl,
        store,
        catalogSource: coreCatalogSource({ url: core.url, secret: core.secret }),
        topicPrefix,
        clientId,
        protocolVersion,
        schedulerIntervalMs: false,
      });
    const topic = `${topicPrefix}/telemetry/box/BOX-0001`;
    const device = await connectMqttDevice();
    cleanups.push(async () => {
      // Clear the broker's retained copy and the bridge's persistent session: nothing outlives the test.
      await device.publishAsync(topic, '', { qos: 1, retain: true });
      await device.endAsync();
      await (await connectMqttDevice({ clientId, clean: true })).endAsync();
    });

    let bridge = await start();
    // No event time: a re-ingested copy would be a new reading at its receive time, not a duplicate.
    await device.publishAsync(topic, JSON.stringify({ temperature: 5 }), { qos: 1, retain: true });
    await waitFor(async () => expect((await store.ingestStats()).accepted).toBe(1));
    for (let restart = 0; restart < 2; restart++) {
      await bridge.stop();
      bridge = await start();
      // Another device's reading after the restart proves the bridge is subscribed and caught up.
      await device.publishAsync(`${topicPrefix}/telemetry/box/BOX-0002`, JSON.stringify({ temperature: 4 }), {
        qos: 1,
      });
      await waitFor(async () => expect((await store.ingestStats()).accepted).toBe(2 + restart));
    }
    await bridge.stop();
    const stats = await store.ingestStats();
    expect(stats).toMatchObject({ accepted: 3, duplicates: 0, rejected: 0 });
    expect(await store.readings({ entityType: 'CONTAINER', code: 'BOX-0001' })).toHaveLength(1);
    // MQTT 5 asks the broker not to send retained copies at all; 3.1.1 gets them and skips them.
    expect(bridge.retainedIgnored()).toBe(protocolVersion === 4 ? 1 : 0);
  }, 30_000);
}
