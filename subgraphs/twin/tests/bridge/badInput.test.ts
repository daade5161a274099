import { connectMqttDevice, createRedisTestPrefix, services, uniqueName, uniqueTopicPrefix } from '@bst/testing';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { coreCatalogSource, startBridge } from '../../src/bridge/index.ts';
import { createRedisTwinStore } from '../../src/store/index.ts';
import { type OutgoingMessage, publishPaced } from '../support/publishPaced.ts';
import { catalogFor, startStubCore } from '../support/stubCore.ts';
import { waitFor } from '../support/waitFor.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

type Malformed = { reason: string; path: string; body: string | Buffer };

/** Malformed messages of every kind the SPEC names, generated with a fixed seed so a failure reproduces. */
function malformedMessages(count: number, now: number): Malformed[] {
  const box = 'telemetry/box/BOX-0001';
  const kinds: fc.Arbitrary<Malformed>[] = [
    fc
      .string({ maxLength: 40 })
      .filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      })
      .map((body) => ({ reason: 'bad_json', path: box, body })),
    fc.constantFrom('{"temperature": NaN}', '{"temperature": Infinity}', '{"temperature": 4.2,}').map((body) => ({
      reason: 'bad_json',
      path: box,
      body,
    })),
    fc
      .oneof(fc.string(), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }))
      .map((t) => ({ reason: 'invalid_payload', path: box, body: JSON.stringify({ temperature: t }) })),
    fc
      .oneof(fc.double({ min: 100.0001, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: -0.0001, noNaN: true }))
      .map((humidity) => ({ reason: 'invalid_payload', path: box, body: JSON.stringify({ humidity }) })),
    fc
      .tuple(fc.double({ min: 90.001, max: 1000, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }))
      .map(([lat, lng]) => ({
        reason: 'invalid_payload',
        path: box,
        body: JSON.stringify({ temperature: 4, lat, lng }),
      })),
    fc.tuple(fc.integer({ min: -90, max: 90 }), fc.integer({ min: 181, max: 999 })).map(([lat, lng]) => ({
      reason: 'invalid_payload',
      path: box,
      body: JSON.stringify({ temperature: 4, geolocation: `${lat},${lng}` }),
    })),
    fc.integer({ min: 6 * 60_000, max: 365 * 24 * 3600_000 }).map((ahead) => ({
      reason: 'future_time',
      path: box,
      body: JSON.stringify({ temperature: 4, ts: now + ahead }),
    })),
    fc
      .constantFrom(
        'telemetry/crate/BOX-0001',
        'telemetry/box',
        'telemetry/box/BOX-0001/x',
        'alarms/box/BOX-0001',
        'telemetry/box/BOX 1',
      )
      .map((path) => ({ reason: 'unknown_topic', path, body: '{"temperature":4}' })),
  ];
  const generated = fc.sample(fc.oneof(...kinds), { numRuns: count, seed: 4242 });
  for (let i = 0; i < 3; i++)
    generated[i * 300] = { reason: 'oversize', path: box, body: Buffer.alloc(1024 * 1024, 0x7b) };
  return generated;
}

it('survives 1,000+ malformed messages: each counted and dead-lettered with a reason, every valid reading stored', async () => {
  const redis = createRedisTestPrefix('twin_badinput');
  const store = createRedisTwinStore({ redis: redis.target, prefix: redis.prefix });
  const core = await startStubCore(catalogFor(['BOX-0001', 'BOX-0002']));
  cleanups.push(
    () => redis.cleanup(),
    () => store.close(),
    () => core.close(),
  );
  const topicPrefix = uniqueTopicPrefix('twin_badinput');
  const bridge = await startBridge({
    mqttUrl: services.mqttUrl,
    store,
    catalogSource: coreCatalogSource({ url: core.url, secret: core.secret }),
    topicPrefix,
    clientId: uniqueName('bridge'),
  });
  cleanups.push(() => bridge.stop());
  const device = await connectMqttDevice();
  cleanups.push(() => device.endAsync());

  const now = Date.now();
  const malformed = malformedMessages(1200, now);
  const validCount = 300;
  const start = now - validCount * 1000;
  const messages: OutgoingMessage[] = [];
  for (let i = 0; i < malformed.length; i++) {
    const bad = malformed[i] as Malformed;
    messages.push({ topic: `${topicPrefix}/${bad.path}`, body: bad.body });
    if (i % 4 === 0) {
      const body = JSON.stringify({ temperature: 5, humidity: 50, ts: start + (i / 4) * 1000 });
      messages.push({ topic: `${topicPrefix}/telemetry/box/BOX-0002`, body });
    }
  }
  await publishPaced(device, messages, () => bridge.messagesHandled());

  await waitFor(async () => expect(bridge.messagesHandled()).toBe(malformed.length + validCount), 30_000, 100);
  const stats = await store.ingestStats();
  expect(stats).toMatchObject({ rejected: malformed.length, accepted: validCount });
  const letters = await store.deadLetters(5000);
  expect(letters).toHaveLength(malformed.length);
  const countBy = (reasons: string[]) =>
    reasons.reduce<Record<string, number>>((acc, r) => Object.assign(acc, { [r]: (acc[r] ?? 0) + 1 }), {});
  expect(countBy(letters.map((l) => l.reason))).toEqual(countBy(malformed.map((m) => m.reason)));
  expect(letters.every((l) => l.detail.length > 0 && l.payload.length <= 1024 && l.topic.startsWith(topicPrefix))).toBe(
    true,
  );
  expect(await store.readings({ entityType: 'CONTAINER', code: 'BOX-0002' })).toHaveLength(validCount);
  expect(await store.readings({ entityType: 'CONTAINER', code: 'BOX-0001' })).toHaveLength(0);
}, 60_000);
