import {
  connectMqttDevice,
  createRedisTestPrefix,
  type MosquittoBroker,
  type RedisTestTarget,
  startMosquitto,
  startRedisServer,
  uniqueName,
  uniqueTopicPrefix,
} from '@bst/testing';
import { afterAll, afterEach, expect, it } from 'vitest';
import { createRedisTwinStore } from '../../src/store/index.ts';
import { killBridge, redisEnv, spawnBridge } from '../support/bridgeProcess.ts';
import { comparable, expectedAlerts, readingStream, type StreamReading } from '../support/readingStream.ts';
import { catalogFor, refrigerated, startStubCore } from '../support/stubCore.ts';
import { waitFor } from '../support/waitFor.ts';

const redis = createRedisTestPrefix('twin_restart_backlog');
const codes = Array.from({ length: 40 }, (_, i) => `BOX-${String(i).padStart(4, '0')}`);
// Staleness and limits beyond the stream's span keep SENSOR_OFFLINE and escalations by time out of the comparison.
const profile = {
  ...refrigerated,
  staleAfterSeconds: 86_400,
  maxExcursionMinutes: 10_000,
  excursionBudgetMinutes: 10_000,
};
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => redis.cleanup());

/** The project's broker, a bridge process on it (its log kept), a stub core and a device, on a prefix of their own. */
async function startRig(
  name: string,
  options: { brokerOverrides?: string[]; redis?: RedisTestTarget; bridgeEnv?: Record<string, string> } = {},
) {
  const prefix = `${redis.prefix}:${name}`;
  const target = options.redis ?? redis.target;
  const store = createRedisTwinStore({ redis: target, prefix });
  cleanups.push(() => store.close());
  const broker: MosquittoBroker = await startMosquitto({ overrides: options.brokerOverrides ?? [] });
  cleanups.push(() => broker.stop());
  const core = await startStubCore(catalogFor(codes, profile));
  cleanups.push(() => core.close());
  const topicPrefix = uniqueTopicPrefix('twin_backlog');
  const env = {
    MQTT_URL: broker.url,
    ...redisEnv(target),
    ...options.bridgeEnv,
    CORE_GRAPH_URL: core.url,
    MQTT_TOPIC_PREFIX: topicPrefix,
    TWIN_STORE_PREFIX: prefix,
    BRIDGE_CLIENT_ID: uniqueName('bridge'),
  };
  const log: string[] = [];
  let bridge: Awaited<ReturnType<typeof spawnBridge>> | null = null;
  cleanups.push(async () => {
    if (bridge) await killBridge(bridge);
  });
  const device = await connectMqttDevice({ reconnectPeriod: 200 }, broker.url);
  cleanups.push(() => device.endAsync(true));
  const acknowledged: StreamReading[] = [];
  return {
    store,
    broker,
    device,
    acknowledged,
    async startBridge() {
      bridge = await spawnBridge(env);
      bridge.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    },
    async killBridge() {
      if (bridge) await killBridge(bridge, 'SIGKILL');
      bridge = null;
    },
    /** Publishes at QoS 1; a reading counts once the broker acknowledged it (PUBACK), as a device's would. */
    publish(readings: StreamReading[]) {
      return Promise.all(
        readings.map(async (r) => {
          await device.publishAsync(
            `${topicPrefix}/telemetry/box/${r.code}`,
            JSON.stringify({ temperature: r.temperature, humidity: r.humidity, ts: r.at }),
            { qos: 1 },
          );
          acknowledged.push(r);
        }),
      );
    },
    veryLateLines: () =>
      log
        .join('')
        .split('\n')
        .filter((line) => line.includes('very late')),
  };
}

async function expectEveryReadingOnce(rig: Awaited<ReturnType<typeof startRig>>, stream: StreamReading[]) {
  for (const code of codes) {
    const history = await rig.store.readings({ entityType: 'CONTAINER', code });
    expect(history.map((r) => r.at)).toEqual(stream.filter((r) => r.code === code).map((r) => r.at));
  }
  const alerts = await rig.store.alerts({}, 10_000);
  expect(comparable(alerts)).toEqual(expectedAlerts(stream, profile));
}

it('steps every redelivered and backlog reading through the engine after a SIGKILL, with a backlog deeper than the reorder horizon', async () => {
  const rig = await startRig('sigkill');
  const stream = readingStream(codes, 400, Date.now() - 400 * 60_000);
  await rig.startBridge();
  let killedAt = -1;
  for (let i = 0; i < stream.length; i += codes.length) {
    await rig.publish(stream.slice(i, i + codes.length));
    if (killedAt < 0 && (await rig.store.ingestStats()).accepted >= 100 * codes.length) {
      await rig.killBridge();
      killedAt = i;
    }
    // Down while more than the reorder horizon (64 readings per box) queues up at the broker.
    if (killedAt >= 0 && i - killedAt === 100 * codes.length) await rig.startBridge();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await waitFor(async () => expect((await rig.store.ingestStats()).accepted).toBe(stream.length), 60_000, 200);
  await expectEveryReadingOnce(rig, stream);
  expect(rig.veryLateLines()).toEqual([]);
}, 180_000);

it('loses no acknowledged reading and steps none outside the engine when the broker, restored from a save taken while the bridge was away, redelivers its backlog', async () => {
  // Saved only when told (SIGUSR1), so the save the broker restores is the one taken with the backlog queued.
  const rig = await startRig('brokerkill', { brokerOverrides: ['autosave_interval 1000000'] });
  const stream = readingStream(codes, 400, Date.now() - 400 * 60_000);
  await rig.startBridge();
  let phase: 'bridge' | 'down' | 'draining' | 'done' = 'bridge';
  let mark = 0;
  for (let i = 0; i < stream.length; i += codes.length) {
    await rig.publish(stream.slice(i, i + codes.length));
    const { accepted } = await rig.store.ingestStats();
    if (phase === 'bridge' && accepted >= 100 * codes.length) {
      await rig.killBridge();
      phase = 'down';
      mark = i;
    } else if (phase === 'down' && i - mark === 100 * codes.length) {
      process.kill(rig.broker.process.pid, 'SIGUSR1');
      await new Promise((resolve) => setTimeout(resolve, 500));
      await rig.startBridge();
      phase = 'draining';
      mark = i;
    } else if (phase === 'draining' && i - mark >= 30 * codes.length && accepted === rig.acknowledged.length) {
      // Caught up, 30 readings per box past the backlog of 100: the redelivered backlog runs from older than the
      // reorder horizon through the base's last reading into the horizon.
      await rig.broker.process.kill('SIGKILL');
      await rig.broker.process.restart();
      phase = 'done';
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(phase).toBe('done');
  expect(rig.acknowledged).toHaveLength(stream.length);
  await waitFor(async () => expect((await rig.store.ingestStats()).accepted).toBe(stream.length), 60_000, 200);
  expect((await rig.store.ingestStats()).duplicates).toBeGreaterThanOrEqual(64 * codes.length);
  await expectEveryReadingOnce(rig, stream);
  expect(rig.veryLateLines()).toEqual([]);
}, 180_000);

it('takes no more than its receive maximum from the broker while Redis is down, and stores everything within seconds of its return', async () => {
  const server = await startRedisServer();
  cleanups.push(() => server.stop());
  // The broker reports every second how many PUBLISH packets it has sent (to the bridge, and these reports).
  const rig = await startRig('redisdown', {
    brokerOverrides: ['sys_interval 1'],
    redis: { url: server.url },
    bridgeEnv: { BRIDGE_RECEIVE_MAXIMUM: '200' },
  });
  const sentTopic = '$SYS/broker/publish/messages/sent';
  let sent = 0;
  rig.device.on('message', (topic, payload) => {
    if (topic === sentTopic) sent = Number(payload.toString());
  });
  await rig.device.subscribeAsync(sentTopic);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 2500));
  const stream = readingStream(codes, 100, Date.now() - 100 * 60_000);
  const first = stream.slice(0, 10 * codes.length);
  await rig.startBridge();
  await rig.publish(first);
  await waitFor(async () => expect((await rig.store.ingestStats()).accepted).toBe(first.length), 30_000, 200);
  await server.kill();
  await settle();
  const sentAtKill = sent;
  expect(sentAtKill).toBeGreaterThanOrEqual(first.length);
  // 3,600 readings while Redis is down: the broker keeps what the bridge has not taken, 200 at most out to it.
  await rig.publish(stream.slice(first.length));
  await settle();
  await settle();
  // The reports themselves: about one a second.
  expect(sent - sentAtKill).toBeLessThanOrEqual(200 + 20);
  await server.restart();
  const back = Date.now();
  await waitFor(async () => expect((await rig.store.ingestStats()).accepted).toBe(stream.length), 30_000, 200);
  expect(Date.now() - back).toBeLessThan(10_000);
  await expectEveryReadingOnce(rig, stream);
}, 180_000);
