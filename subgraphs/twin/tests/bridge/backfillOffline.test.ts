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

it('a logger uploading old readings is not silent: no SENSOR_OFFLINE raised and withdrawn while it uploads, one record once it falls quiet', async () => {
  const redis = createRedisTestPrefix('twin_backfill');
  const store = createRedisTwinStore({ redis: redis.target, prefix: redis.prefix });
  const core = await startStubCore(catalogFor(['BOX-0001'], { ...refrigerated, staleAfterSeconds: 1 }));
  cleanups.push(
    () => redis.cleanup(),
    () => store.close(),
    () => core.close(),
  );
  const topicPrefix = uniqueTopicPrefix('twin_backfill');
  const bridge = await startBridge({
    mqttUrl: services.mqttUrl,
    store,
    catalogSource: coreCatalogSource({ url: core.url, secret: core.secret }),
    topicPrefix,
    clientId: uniqueName('bridge'),
    schedulerIntervalMs: 50,
  });
  cleanups.push(() => bridge.stop());
  const device = await connectMqttDevice();
  cleanups.push(() => device.endAsync());
  const before = await store.alertStreamCursor();

  // An hour of history, one reading every 500 ms of event time, uploaded over ~2.5 s: every reading is older than
  // staleAfterSeconds when it arrives, but the next one always follows within it.
  const start = Date.now() - 3600_000;
  const count = 120;
  for (let i = 0; i < count; i++) {
    await device.publishAsync(
      `${topicPrefix}/telemetry/box/BOX-0001`,
      JSON.stringify({ temperature: 5, ts: start + i * 500 }),
      { qos: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await waitFor(async () =>
    expect(await store.readings({ entityType: 'CONTAINER', code: 'BOX-0001' })).toHaveLength(count),
  );
  // Quiet now: the silence since the last reading is real, and is one SENSOR_OFFLINE from when that reading stopped holding.
  const [offline] = await waitFor(async () => {
    const found = await store.alerts({ kinds: ['SENSOR_OFFLINE'] });
    expect(found).toHaveLength(1);
    return found;
  }, 5000);
  expect(offline!.startedAt).toBe(start + (count - 1) * 500 + 1000);
  expect((await store.alertEvents(offline!.id)).map((e) => e.transition)).toEqual(['RAISED']);
  const page = await store.alertEventsAfter(before, { kinds: ['SENSOR_OFFLINE'] });
  expect(page.events.map((e) => e.event.transition)).toEqual(['RAISED']);
}, 30_000);
