// QoS 1 readings/s through the whole bridge path into Redis, against what Mosquitto delivers to its own C subscriber
// and to a bare mqtt.js subscriber on the same stream, in the same run; the bridge on a 3-master Redis Cluster against
// one Redis; the previous one-commit-per-reading delivery against group commit; and the commit latency at 100
// readings/s. Prints one JSON line.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { type MosquittoBroker, services, startMosquitto, startRedisCluster, uniqueName } from '@bst/testing';
import {
  type BridgeOptions,
  createRedisTwinStore,
  type GroupCommitStats,
  type RedisTarget,
  startBridge,
} from '@bst/twin';
import mqtt from 'mqtt';

const run = promisify(execFile);
const env = process.env;
const readings = Number(env.INGEST_BENCH_READINGS ?? 20_000);
const rounds = Number(env.INGEST_BENCH_ROUNDS ?? 3);
const latencyReadings = Number(env.INGEST_BENCH_LATENCY_READINGS ?? 1000);
const latencyRatePerSec = 100;
const boxes = Array.from({ length: 100 }, (_, i) => `BOX-${String(i + 1).padStart(4, '0')}`);
const profile = refrigeratedProfile({ id: 'bench', maxExcursionMinutes: 30, staleAfterSeconds: 86_400 });
const catalog = {
  version: 'bench',
  profiles: [profile],
  bindings: boxes.map((code) => ({ entityType: 'CONTAINER' as const, code, profileId: profile.id })),
};
const catalogSource = { version: async () => catalog.version, catalog: async () => catalog };

type Delivery = Pick<BridgeOptions, 'receiveMaximum' | 'groupCommit'>;
const groupCommit: Delivery = {};
/** The delivery before group commit: one `commitReading` per reading, 100 messages in hand, one entity at a time. */
const oneByOne: Delivery = { receiveMaximum: 100, groupCommit: { maxBatch: 1, maxInFlight: 100 } };

/** Reading `i` of the stream: box `i % 100`, one second apart, an excursion of 20 readings in every 500. */
function body(i: number, start: number): string {
  const temperature = i % 500 < 20 ? 9.5 : 4 + (i % 7) * 0.3;
  return JSON.stringify({ temperature, humidity: 50, ts: start + i * 1000, geolocation: '52.5200,13.4050' });
}

/** One file per box, its readings in event-time order, one JSON message a line (what `mosquitto_pub -l` sends). */
async function writeStream(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bst-bench-ingest-'));
  const start = Date.now() - readings * 1000;
  const lines = new Map<string, string[]>(boxes.map((code) => [code, []]));
  for (let i = 0; i < readings; i++) lines.get(boxes[i % boxes.length] as string)?.push(body(i, start));
  await Promise.all([...lines].map(([code, own]) => writeFile(join(dir, `${code}.txt`), `${own.join('\n')}\n`)));
  return dir;
}

/**
 * The publisher: one `mosquitto_pub -q 1 -l` per box, all at once, forked by one shell so the bench process (which
 * hosts the bridge) spends nothing on it.
 */
function publishStream(broker: MosquittoBroker, dir: string, topicPrefix: string): Promise<void> {
  const script = `for f in "$DIR"/*.txt; do
  mosquitto_pub -h "$HOST" -p "$PORT" -V 5 -q 1 -t "$PREFIX/telemetry/box/$(basename "$f" .txt)" -l < "$f" &
done
wait`;
  const child = spawn('sh', ['-c', script], {
    env: { ...process.env, DIR: dir, HOST: broker.host, PORT: String(broker.port), PREFIX: topicPrefix },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`publisher exited with ${code}`))));
  });
}

const perSec = (count: number, startedAt: number) => (count / (performance.now() - startedAt)) * 1000;

/** `mosquitto_sub -q 1` on a persistent session made beforehand, counting lines until it has them all. */
async function mosquittoSubRound(broker: MosquittoBroker, dir: string): Promise<number> {
  const topicPrefix = uniqueName('ingest_msub');
  const common = ['-h', broker.host, '-p', String(broker.port), '-V', '5', '-q', '1', '-c', '-i', uniqueName('msub')];
  await run('mosquitto_sub', [...common, '-t', `${topicPrefix}/#`, '-E']);
  const startedAt = performance.now();
  const subscriber = spawn('mosquitto_sub', [...common, '-t', `${topicPrefix}/#`, '-C', String(readings)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let lines = 0;
  subscriber.stdout.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) lines++;
  });
  const done = new Promise<number>((resolve, reject) => {
    subscriber.once('exit', (code) => {
      if (code !== 0 || lines !== readings) reject(new Error(`mosquitto_sub exited with ${code} after ${lines} lines`));
      else resolve(perSec(lines, startedAt));
    });
  });
  await publishStream(broker, dir, topicPrefix);
  return done;
}

/** A bare mqtt.js subscriber that only counts (its default receive maximum, acknowledging each message at once). */
async function rawMqttJsRound(broker: MosquittoBroker, dir: string): Promise<number> {
  const topicPrefix = uniqueName('ingest_raw');
  const subscriber = await mqtt.connectAsync(broker.url, { clientId: uniqueName('raw'), protocolVersion: 5 });
  try {
    let count = 0;
    let startedAt = 0;
    const done = new Promise<number>((resolve) => {
      subscriber.on('message', () => {
        if (++count === readings) resolve(perSec(count, startedAt));
      });
    });
    await subscriber.subscribeAsync(`${topicPrefix}/#`, { qos: 1 });
    startedAt = performance.now();
    await publishStream(broker, dir, topicPrefix);
    return await done;
  } finally {
    await subscriber.endAsync();
  }
}

async function withBridge<T>(
  broker: MosquittoBroker,
  target: RedisTarget,
  delivery: Delivery,
  use: (context: {
    topicPrefix: string;
    bridge: Awaited<ReturnType<typeof startBridge>>;
    store: ReturnType<typeof createRedisTwinStore>;
  }) => Promise<T>,
): Promise<T> {
  const store = createRedisTwinStore({ redis: target, prefix: uniqueName('ingest_bench') });
  await store.ready();
  const topicPrefix = uniqueName('ingest_bridge');
  const bridge = await startBridge({
    mqttUrl: broker.url,
    store,
    catalogSource,
    topicPrefix,
    clientId: uniqueName('bridge'),
    schedulerIntervalMs: false,
    ...delivery,
  });
  try {
    return await use({ topicPrefix, bridge, store });
  } finally {
    await bridge.stop();
    await store.clear();
    await store.close();
  }
}

async function bridgeRound(
  broker: MosquittoBroker,
  dir: string,
  target: RedisTarget,
  delivery: Delivery,
): Promise<{ perSec: number; commits: GroupCommitStats }> {
  return withBridge(broker, target, delivery, async ({ topicPrefix, bridge, store }) => {
    const startedAt = performance.now();
    await publishStream(broker, dir, topicPrefix);
    while (bridge.messagesHandled() < readings) await new Promise((resolve) => setTimeout(resolve, 1));
    const rate = perSec(readings, startedAt);
    const stats = await store.ingestStats();
    if (stats.accepted !== readings) throw new Error(`bridge stored ${stats.accepted} of ${readings} readings`);
    return { perSec: rate, commits: bridge.commitStats() };
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const round2 = (value: number) => Math.round(value * 100) / 100;

/** Publish → live state stored and published by the commit, one reading every 10 ms, over all boxes. */
async function commitLatency(broker: MosquittoBroker, delivery: Delivery): Promise<{ p50Ms: number; p99Ms: number }> {
  return withBridge(broker, { url: services.redisUrl }, delivery, async ({ topicPrefix, store }) => {
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let all: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      all = resolve;
    });
    await store.subscribeLiveState((live) => {
      const sent = sentAt.get(`${live.code}@${live.at}`);
      if (sent === undefined) return;
      latencies.push(performance.now() - sent);
      if (latencies.length === latencyReadings) all();
    });
    const publisher = await mqtt.connectAsync(broker.url, {
      clientId: uniqueName('latency_device'),
      protocolVersion: 5,
    });
    try {
      const start = Date.now() - latencyReadings * 1000;
      const startedAt = performance.now();
      for (let i = 0; i < latencyReadings; i++) {
        const wait = startedAt + (i * 1000) / latencyRatePerSec - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const code = boxes[i % boxes.length] as string;
        sentAt.set(`${code}@${start + i * 1000}`, performance.now());
        publisher.publish(`${topicPrefix}/telemetry/box/${code}`, body(i, start), { qos: 1 });
      }
      const timeout = setTimeout(all, 10_000);
      await done;
      clearTimeout(timeout);
      if (latencies.length < latencyReadings) throw new Error(`only ${latencies.length} of ${latencyReadings} stored`);
    } finally {
      await publisher.endAsync();
    }
    const sorted = latencies.sort((a, b) => a - b);
    return { p50Ms: round2(quantile(sorted, 0.5)), p99Ms: round2(quantile(sorted, 0.99)) };
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

// No persistence, unbounded queues: the system broker's `max_queued_messages 1000` drops a slow subscriber's QoS 1.
const broker = await startMosquitto({ settings: 'unbounded' });
const cluster = await startRedisCluster();
const dir = await writeStream();
const runs = { mosquittoSub: [] as number[], rawMqttJs: [] as number[], bridge: [] as number[] };
const more = { bridgeCluster: [] as number[], bridgeOneByOne: [] as number[] };
const batches: GroupCommitStats[] = [];
let latency: { groupCommit: { p50Ms: number; p99Ms: number }; oneByOne: { p50Ms: number; p99Ms: number } };
try {
  const single = { url: services.redisUrl };
  for (let r = 0; r < rounds; r++) {
    runs.mosquittoSub.push(await mosquittoSubRound(broker, dir));
    runs.rawMqttJs.push(await rawMqttJsRound(broker, dir));
    const grouped = await bridgeRound(broker, dir, single, groupCommit);
    runs.bridge.push(grouped.perSec);
    batches.push(grouped.commits);
    more.bridgeCluster.push((await bridgeRound(broker, dir, { clusterNodes: cluster.nodes }, groupCommit)).perSec);
    more.bridgeOneByOne.push((await bridgeRound(broker, dir, single, oneByOne)).perSec);
  }
  // After the throughput rounds, so both modes meet a warmed-up process.
  const oneByOneLatency = await commitLatency(broker, oneByOne);
  const groupLatency = await commitLatency(broker, groupCommit);
  latency = { groupCommit: groupLatency, oneByOne: oneByOneLatency };
} finally {
  await rm(dir, { recursive: true, force: true });
  await cluster.stop();
  await broker.stop();
}
const bridgePerSec = Math.round(median(runs.bridge));
const mosquittoSubPerSec = Math.round(median(runs.mosquittoSub));
const rawPerSec = Math.round(median(runs.rawMqttJs));
const clusterPerSec = Math.round(median(more.bridgeCluster));
const oneByOnePerSec = Math.round(median(more.bridgeOneByOne));
const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
const whole = (values: number[]) => values.map(Math.round);
console.log(
  JSON.stringify({
    bench: 'ingest',
    readings,
    rounds,
    boxes: boxes.length,
    bridgeReadingsPerSec: bridgePerSec,
    mosquittoSubReadingsPerSec: mosquittoSubPerSec,
    rawMqttJsReadingsPerSec: rawPerSec,
    ratioToMosquittoSub: ratio(bridgePerSec, mosquittoSubPerSec),
    ratioToRawMqttJs: ratio(bridgePerSec, rawPerSec),
    bridgeClusterReadingsPerSec: clusterPerSec,
    clusterVsSingle: ratio(clusterPerSec, bridgePerSec),
    bridgeOneByOneReadingsPerSec: oneByOnePerSec,
    groupVsOneByOne: ratio(bridgePerSec, oneByOnePerSec),
    commitLatencyAt100PerSec: latency,
    meanBatch: Math.round(batches.reduce((s, b) => s + b.readings / b.batches, 0) / batches.length),
    targets: { ratioToMosquittoSub: 0.75, clusterVsSingle: 0.8 },
    runs: {
      mosquittoSub: whole(runs.mosquittoSub),
      rawMqttJs: whole(runs.rawMqttJs),
      bridge: whole(runs.bridge),
      bridgeCluster: whole(more.bridgeCluster),
      bridgeOneByOne: whole(more.bridgeOneByOne),
    },
  }),
);
process.exit(0);
