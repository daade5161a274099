import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { createRedisTestPrefix, services, uniqueName } from '@bst/testing';
import { createRedisTwinStore, startBridge } from '@bst/twin';
import mqtt, { type MqttClient } from 'mqtt';
import { publishWithBackpressure } from './support/publishWithBackpressure.ts';

const readings = 20_000;
const rounds = 3;
const boxes = Array.from({ length: 100 }, (_, i) => `BOX-${String(i + 1).padStart(4, '0')}`);
const profile = refrigeratedProfile({ id: 'bench', maxExcursionMinutes: 30, staleAfterSeconds: 86_400 });
const catalog = {
  version: 'bench',
  profiles: [profile],
  bindings: boxes.map((code) => ({ entityType: 'CONTAINER' as const, code, profileId: profile.id })),
};

function messages(topicPrefix: string) {
  const start = Date.now() - readings * 1000;
  return Array.from({ length: readings }, (_, i) => {
    const temperature = i % 500 < 20 ? 9.5 : 4 + (i % 7) * 0.3;
    return {
      topic: `${topicPrefix}/telemetry/box/${boxes[i % boxes.length]}`,
      body: JSON.stringify({ temperature, humidity: 50, ts: start + i * 1000, geolocation: '52.5200,13.4050' }),
    };
  });
}

async function pump(publisher: MqttClient, topicPrefix: string, consumed: () => number): Promise<number> {
  return publishWithBackpressure(publisher, messages(topicPrefix), consumed);
}

async function baselineRound(publisher: MqttClient): Promise<number> {
  const topicPrefix = uniqueName('ingest_raw');
  const subscriber = await mqtt.connectAsync(services.mqttUrl, { clientId: uniqueName('raw'), protocolVersion: 5 });
  let count = 0;
  subscriber.on('message', () => {
    count++;
  });
  await subscriber.subscribeAsync(`${topicPrefix}/#`, { qos: 1 });
  try {
    return await pump(publisher, topicPrefix, () => count);
  } finally {
    await subscriber.endAsync();
  }
}

async function bridgeRound(publisher: MqttClient): Promise<number> {
  const redis = createRedisTestPrefix('ingest_bench');
  const store = createRedisTwinStore({ redis: redis.url, prefix: redis.prefix });
  const topicPrefix = uniqueName('ingest_bridge');
  const bridge = await startBridge({
    mqttUrl: services.mqttUrl,
    store,
    catalogSource: { version: async () => catalog.version, catalog: async () => catalog },
    topicPrefix,
    clientId: uniqueName('bridge'),
    schedulerIntervalMs: false,
  });
  try {
    const perSec = await pump(publisher, topicPrefix, () => bridge.messagesHandled());
    const stats = await store.ingestStats();
    if (stats.accepted !== readings) throw new Error(`bridge stored ${stats.accepted} of ${readings} readings`);
    return perSec;
  } finally {
    await bridge.stop();
    await store.close();
    await redis.cleanup();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const publisher = await mqtt.connectAsync(services.mqttUrl, { clientId: uniqueName('bench_device') });
const baseline: number[] = [];
const bridge: number[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    baseline.push(await baselineRound(publisher));
    bridge.push(await bridgeRound(publisher));
  }
} finally {
  await publisher.endAsync();
}
const bridgePerSec = Math.round(median(bridge));
const baselinePerSec = Math.round(median(baseline));
console.log(
  JSON.stringify({
    bench: 'ingest',
    readings,
    rounds,
    bridgeReadingsPerSec: bridgePerSec,
    baselineReadingsPerSec: baselinePerSec,
    ratio: Number((bridgePerSec / baselinePerSec).toFixed(3)),
    target: 0.5,
    runs: { bridge: bridge.map(Math.round), baseline: baseline.map(Math.round) },
  }),
);
process.exit(0);
