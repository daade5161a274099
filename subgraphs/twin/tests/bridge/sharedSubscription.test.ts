import { connectMqttDevice, createRedisTestPrefix, services, uniqueName, uniqueTopicPrefix } from '@bst/testing';
import { afterAll, expect, it } from 'vitest';
import { type Bridge, coreCatalogSource, startBridge } from '../../src/bridge/index.ts';
import { createRedisTwinStore, type TwinStore } from '../../src/store/index.ts';
import { comparable, expectedAlerts, readingStream, type StreamReading } from '../support/readingStream.ts';
import { catalogFor, refrigerated, type StubCore, startStubCore } from '../support/stubCore.ts';
import { waitFor } from '../support/waitFor.ts';

// An odd number of boxes, so that round-robin delivery alternates each box's readings between the two instances.
const codes = Array.from({ length: 25 }, (_, i) => `BOX-${String(i + 1).padStart(4, '0')}`);
const profile = { ...refrigerated, staleAfterSeconds: 86_400 };
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Upload {
  code: string;
  body: string;
  readings: number;
}

const payload = (r: StreamReading) => ({ temperature: r.temperature, humidity: r.humidity, ts: r.at });

/**
 * The stream as rounds of uploads: in each round every device sends its next five readings, as one batch array, or as
 * five messages back to back, in order or shuffled (as a redelivery would bring them).
 */
function deviceUploads(stream: StreamReading[]): Upload[][] {
  const byCode = new Map<string, StreamReading[]>();
  for (const r of stream) {
    const readings = byCode.get(r.code) ?? [];
    readings.push(r);
    byCode.set(r.code, readings);
  }
  const rounds: Upload[][] = [];
  for (let round = 0; ; round++) {
    const uploads: Upload[] = [];
    for (const [n, [code, readings]] of [...byCode.entries()].entries()) {
      const group = readings.slice(round * 5, round * 5 + 5);
      if (group.length === 0) continue;
      const style = (round + n) % 3;
      if (style === 0) uploads.push({ code, body: JSON.stringify(group.map(payload)), readings: group.length });
      else {
        const order = style === 1 ? group : [2, 0, 4, 1, 3].flatMap((i) => group[i] ?? []);
        for (const r of order) uploads.push({ code, body: JSON.stringify(payload(r)), readings: 1 });
      }
    }
    if (uploads.length === 0) return rounds;
    rounds.push(uploads);
  }
}

/** Runs the stream through `instances` bridges sharing one subscription and returns what the store ends up with. */
async function runThrough(core: StubCore, instances: number, stream: StreamReading[]) {
  const redis = createRedisTestPrefix('twin_shared');
  const store: TwinStore = createRedisTwinStore({ redis: redis.target, prefix: redis.prefix });
  cleanups.push(
    () => redis.cleanup(),
    () => store.close(),
  );
  const topicPrefix = uniqueTopicPrefix('twin_shared');
  const group = uniqueName('group');
  const bridges: Bridge[] = [];
  for (let i = 0; i < instances; i++) {
    const bridge = await startBridge({
      mqttUrl: services.mqttUrl,
      store,
      catalogSource: coreCatalogSource({ url: core.url, secret: core.secret }),
      topicPrefix,
      group,
      clientId: uniqueName(`bridge${i}`),
      // Ticks follow the wall clock, not the replayed event times: compare what readings alone decide.
      schedulerIntervalMs: false,
    });
    bridges.push(bridge);
    cleanups.push(() => bridge.stop());
  }
  const device = await connectMqttDevice();
  cleanups.push(() => device.endAsync());
  // Like a fleet after a gap: each device sends several readings back to back (some as one batch, some out of order),
  // so the two instances take readings of one container at the same moment.
  let published = 0;
  for (const messages of deviceUploads(stream)) {
    published += messages.reduce((sum, m) => sum + m.readings, 0);
    await Promise.all(
      messages.map((m) => device.publishAsync(`${topicPrefix}/telemetry/box/${m.code}`, m.body, { qos: 1 })),
    );
    // Stay within the broker's queue for a slow subscriber (Mosquitto drops beyond 1000 by default).
    await waitFor(async () => expect((await store.ingestStats()).accepted).toBeGreaterThan(published - 500), 20_000);
  }
  await waitFor(async () => expect((await store.ingestStats()).accepted).toBe(stream.length), 20_000, 100);
  const alerts = comparable(await store.alerts({}, 10_000));
  const live = await store.liveMany(codes.map((code) => ({ entityType: 'CONTAINER' as const, code })));
  const raisedPerAlert = await Promise.all(
    alerts.map(async (a) => (await store.alertEvents(a.id)).filter((e) => e.transition === 'RAISED').length),
  );
  const handledPerInstance = bridges.map((b) => b.messagesHandled());
  return {
    handledPerInstance,
    alerts,
    live: live.map((l) => l && { ...l, receivedAt: 0 }),
    raisedPerAlert,
    stats: await store.ingestStats(),
  };
}

it('two bridge instances on a shared subscription end with the alerts and live state of a single instance', async () => {
  const core = await startStubCore(catalogFor(codes, profile));
  cleanups.push(() => core.close());
  const stream = readingStream(codes, 40, Date.now() - 40 * 60_000);
  const single = await runThrough(core, 1, stream);
  const shared = await runThrough(core, 2, stream);
  expect(single.alerts.length).toBeGreaterThan(0);
  expect(single.alerts).toEqual(expectedAlerts(stream, profile));
  expect(shared.handledPerInstance.every((n) => n > stream.length / 10)).toBe(true);
  expect(shared.alerts).toEqual(single.alerts);
  expect(shared.live).toEqual(single.live);
  expect(shared.raisedPerAlert.every((n) => n === 1)).toBe(true);
  expect(shared.stats).toMatchObject({ accepted: stream.length, rejected: 0 });
}, 60_000);
