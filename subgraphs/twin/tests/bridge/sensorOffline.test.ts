import { connectMqttDevice, createRedisTestPrefix, services, uniqueName, uniqueTopicPrefix } from '@bst/testing';
import { afterAll, expect, it } from 'vitest';
import { coreCatalogSource, startBridge } from '../../src/bridge/index.ts';
import { createRedisTwinStore } from '../../src/store/index.ts';
import { catalogFor, refrigerated, startStubCore } from '../support/stubCore.ts';
import { waitFor } from '../support/waitFor.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

it('raises SENSOR_OFFLINE by silence exactly once across three bridge instances, and clears it on the next reading', async () => {
  const redis = createRedisTestPrefix('twin_offline');
  const store = createRedisTwinStore({ redis: redis.target, prefix: redis.prefix });
  const core = await startStubCore(catalogFor(['BOX-0001'], { ...refrigerated, staleAfterSeconds: 1 }));
  cleanups.push(
    () => redis.cleanup(),
    () => store.close(),
    () => core.close(),
  );
  const topicPrefix = uniqueTopicPrefix('twin_offline');
  const group = uniqueName('group');
  for (let i = 0; i < 3; i++) {
    const bridge = await startBridge({
      mqttUrl: services.mqttUrl,
      store,
      catalogSource: coreCatalogSource({ url: core.url, secret: core.secret }),
      topicPrefix,
      group,
      clientId: uniqueName(`bridge${i}`),
      schedulerIntervalMs: 50,
    });
    cleanups.push(() => bridge.stop());
  }
  const device = await connectMqttDevice();
  cleanups.push(() => device.endAsync());
  const box = { entityType: 'CONTAINER' as const, code: 'BOX-0001' };
  await device.publishAsync(
    `${topicPrefix}/telemetry/box/BOX-0001`,
    JSON.stringify({ temperature: 5, ts: Date.now() }),
    { qos: 1 },
  );
  const [offline] = await waitFor(async () => {
    const found = await store.alerts({ kinds: ['SENSOR_OFFLINE'] });
    expect(found).toHaveLength(1);
    return found;
  }, 4000);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await store.alerts({ kinds: ['SENSOR_OFFLINE'] })).toHaveLength(1);
  expect((await store.alertEvents(offline!.id)).map((e) => e.transition)).toEqual(['RAISED']);
  await device.publishAsync(
    `${topicPrefix}/telemetry/box/BOX-0001`,
    JSON.stringify({ temperature: 5, ts: Date.now() }),
    { qos: 1 },
  );
  await waitFor(async () => expect((await store.alert(offline!.id))?.state).toBe('CLEARED_UNACKNOWLEDGED'));
  expect((await store.alertEvents(offline!.id)).map((e) => e.transition)).toEqual(['RAISED', 'CLEARED']);
  expect(await store.readings(box)).toHaveLength(2);
}, 30_000);
