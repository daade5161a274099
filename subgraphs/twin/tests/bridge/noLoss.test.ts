import { connectMqttDevice, createRedisTestPrefix, services, uniqueName, uniqueTopicPrefix } from '@bst/testing';
import { afterAll, expect, it } from 'vitest';
import { createRedisTwinStore } from '../../src/store/index.ts';
import { killBridge, redisEnv, spawnBridge } from '../support/bridgeProcess.ts';
import { comparable, expectedAlerts, readingStream } from '../support/readingStream.ts';
import { catalogFor, refrigerated, startStubCore } from '../support/stubCore.ts';
import { waitFor } from '../support/waitFor.ts';

const redis = createRedisTestPrefix('twin_noloss');
const store = createRedisTwinStore({ redis: redis.target, prefix: redis.prefix });
const children: Awaited<ReturnType<typeof spawnBridge>>[] = [];

afterAll(async () => {
  for (const child of children) await killBridge(child);
  await store.close();
  await redis.cleanup();
});

it('loses nothing and duplicates nothing, not even an alert, when the bridge is SIGKILLed mid-stream and restarted', async () => {
  const codes = ['BOX-0001', 'BOX-0002', 'BOX-0003', 'BOX-0004', 'BOX-0005'];
  // Event times span the last 1000 minutes and the bridge ticks by the wall clock: a day of staleness and limits
  // beyond the stream's span keep SENSOR_OFFLINE and escalations by time passing out of this comparison.
  const profile = {
    ...refrigerated,
    staleAfterSeconds: 86_400,
    maxExcursionMinutes: 10_000,
    excursionBudgetMinutes: 10_000,
  };
  const core = await startStubCore(catalogFor(codes, profile));
  const topicPrefix = uniqueTopicPrefix('twin_noloss');
  const env = {
    MQTT_URL: services.mqttUrl,
    ...redisEnv(redis.target),
    CORE_GRAPH_URL: core.url,
    MQTT_TOPIC_PREFIX: topicPrefix,
    TWIN_STORE_PREFIX: redis.prefix,
    BRIDGE_CLIENT_ID: uniqueName('bridge'),
  };
  const stream = readingStream(codes, 1000, Date.now() - 1000 * 60_000);
  const device = await connectMqttDevice();
  try {
    children.push(await spawnBridge(env));
    let killed = false;
    // Paced so that the broker's default queue for an offline session (1000 messages) is not exceeded while down.
    for (let i = 0; i < stream.length; i += 25) {
      await Promise.all(
        stream
          .slice(i, i + 25)
          .map((r) =>
            device.publishAsync(
              `${topicPrefix}/telemetry/box/${r.code}`,
              JSON.stringify({ temperature: r.temperature, humidity: r.humidity, ts: r.at }),
              { qos: 1 },
            ),
          ),
      );
      if (!killed && (await store.ingestStats()).accepted >= 1500) {
        killed = true;
        await killBridge(children.pop()!, 'SIGKILL');
        children.push(await spawnBridge(env));
      }
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    expect(killed).toBe(true);
    await waitFor(async () => expect((await store.ingestStats()).accepted).toBe(stream.length), 30_000, 200);
    for (const code of codes) {
      const history = await store.readings({ entityType: 'CONTAINER', code });
      expect(history.map((r) => r.at)).toEqual(stream.filter((r) => r.code === code).map((r) => r.at));
    }
    // Redelivery after the kill brings readings out of order: the alerts must still be exactly the in-order ones.
    const alerts = await store.alerts({}, 10_000);
    expect(comparable(alerts)).toEqual(expectedAlerts(stream, profile));
    for (const alert of alerts) {
      const raised = (await store.alertEvents(alert.id)).filter((e) => e.transition === 'RAISED');
      expect(raised).toHaveLength(1);
    }
  } finally {
    await device.endAsync();
    await core.close();
  }
}, 120_000);
