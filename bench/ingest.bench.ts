// QoS 1 readings/s through the whole bridge path into Redis, against what Mosquitto delivers to its own C subscriber
// and to a bare mqtt.js subscriber on the same stream, in the same run; the bridge on a 3-master Redis Cluster against
// one Redis; the previous one-commit-per-reading delivery against group commit; and the commit latency at 100
// readings/s; and the CPU time each process spent per message in each kind of round. Prints one JSON line.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { type MosquittoBroker, startMosquitto, startRedisCluster, uniqueName } from '@bst/testing';
import {
  type BridgeOptions,
  createRedisTwinStore,
  type GroupCommitStats,
  type RedisTarget,
  startBridge,
} from '@bst/twin';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { processCpuMs } from './support/processCpu.ts';
import { redisCpuMs, startRedis } from './support/startRedis.ts';

// The bridge runs in this process: give it the V8 flags it runs with (package.json `start:bridge`, a larger young
// generation: the bridge allocates per message, and objects that outlive one scavenge are costly).
const bridgeFlags = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts['start:bridge'] as string
)
  .split(' ')
  .filter((word) => word.startsWith('--max-semi-space-size'));
if (!bridgeFlags.every((flag) => process.execArgv.includes(flag))) {
  const child = spawnSync(process.execPath, [...bridgeFlags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const run = promisify(execFile);
const env = process.env;
const readings = Number(env.INGEST_BENCH_READINGS ?? 20_000);
const rounds = Number(env.INGEST_BENCH_ROUNDS ?? 3);
const latencyReadings = Number(env.INGEST_BENCH_LATENCY_READINGS ?? 1000);
const allKinds = ['mosquittoSub', 'rawMqttJs', 'bridge', 'bridgeCluster', 'bridgeOneByOne'] as const;
/** For A/B runs: only these kinds of round (comma-separated); the figures of the others print as null. */
const selectedKinds = env.INGEST_BENCH_KINDS?.split(',') ?? [...allKinds];
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

/** The CPU time (ms) of a shell's children, from the second line of its `times` (`0m1.230000s 0m0.450000s`). */
function childrenCpuMs(times: string): number {
  const [, children] = [...times.matchAll(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/g)];
  if (!children) return Number.NaN;
  const [, um, us, sm, ss] = children.map(Number) as number[];
  return ((um as number) * 60 + (us as number) + (sm as number) * 60 + (ss as number)) * 1000;
}

/** Runs a shell script that ends with `times` on stderr; resolves with its children's CPU time (ms). */
function runTimed(script: string, args: string[], env: NodeJS.ProcessEnv, onStdout?: (chunk: Buffer) => void) {
  const child = spawn('sh', ['-c', `${script}\ncode=$?\ntimes >&2\nexit $code`, 'sh', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', onStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  if (onStdout) child.stdout?.on('data', onStdout);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => {
      const timesAt = stderr.search(/\d+m[\d.]+s\s+\d+m[\d.]+s\s*\n\d+m/);
      if (timesAt > 0) process.stderr.write(stderr.slice(0, timesAt));
      if (code === 0) resolve(childrenCpuMs(stderr.slice(Math.max(0, timesAt))));
      else reject(new Error(`${script.split(' ')[0]} exited with ${code}: ${stderr}`));
    });
  });
}

/**
 * The publisher: one `mosquitto_pub -q 1 -l` per box, all at once, forked by one shell so the bench process (which
 * hosts the bridge) spends nothing on it. Resolves with the publishers' CPU time (ms).
 */
function publishStream(broker: MosquittoBroker, dir: string, topicPrefix: string): Promise<number> {
  const script = `for f in "$DIR"/*.txt; do
  mosquitto_pub -h "$HOST" -p "$PORT" -V 5 -q 1 -t "$PREFIX/telemetry/box/$(basename "$f" .txt)" -l < "$f" &
done
wait`;
  return runTimed(script, [], { DIR: dir, HOST: broker.host, PORT: String(broker.port), PREFIX: topicPrefix });
}

/** CPU time per message (us) of each process of a round, from readings of their CPU clocks (ms) around it. */
type RoundCpu = Record<string, number>;
interface Round {
  perSec: number;
  cpu: RoundCpu;
}

/** Starts the CPU clocks of a round: this process, the broker, and the Redis nodes given. */
async function cpuClocks(broker: MosquittoBroker, redis: Redis[] = []) {
  const redisMs = async () => (await Promise.all(redis.map(redisCpuMs))).reduce((a, b) => a + b, 0);
  const self = process.cpuUsage();
  const brokerAt = processCpuMs(broker.process.pid);
  const redisAt = await redisMs();
  return async (messages: number, selfName: string, others: RoundCpu): Promise<RoundCpu> => {
    const used = process.cpuUsage(self);
    const perMessage = (ms: number) => Math.round((ms * 1000 * 10) / messages) / 10;
    const cpu: RoundCpu = {
      broker: perMessage(processCpuMs(broker.process.pid) - brokerAt),
      [selfName]: perMessage((used.user + used.system) / 1000),
    };
    if (redis.length > 0) cpu.redis = perMessage((await redisMs()) - redisAt);
    for (const [name, ms] of Object.entries(others)) cpu[name] = perMessage(ms);
    return cpu;
  };
}

const perSec = (count: number, startedAt: number) => (count / (performance.now() - startedAt)) * 1000;

/** `mosquitto_sub -q 1` on a persistent session made beforehand, counting lines until it has them all. */
async function mosquittoSubRound(broker: MosquittoBroker, dir: string): Promise<Round> {
  const topicPrefix = uniqueName('ingest_msub');
  const common = ['-h', broker.host, '-p', String(broker.port), '-V', '5', '-q', '1', '-c', '-i', uniqueName('msub')];
  await run('mosquitto_sub', [...common, '-t', `${topicPrefix}/#`, '-E']);
  const clocks = await cpuClocks(broker);
  const startedAt = performance.now();
  let lines = 0;
  const subscribed = runTimed(
    'mosquitto_sub "$@"',
    [...common, '-t', `${topicPrefix}/#`, '-C', String(readings)],
    {},
    (chunk) => {
      for (const byte of chunk) if (byte === 10) lines++;
    },
  );
  const done = subscribed.then((subscriberMs) => {
    if (lines !== readings) throw new Error(`mosquitto_sub stopped after ${lines} lines`);
    return { perSec: perSec(lines, startedAt), subscriberMs };
  });
  const publishersMs = await publishStream(broker, dir, topicPrefix);
  const { perSec: rate, subscriberMs } = await done;
  return {
    perSec: rate,
    cpu: await clocks(readings, 'bench', { publishers: publishersMs, subscriber: subscriberMs }),
  };
}

/** A bare mqtt.js subscriber that only counts (its default receive maximum, acknowledging each message at once). */
async function rawMqttJsRound(broker: MosquittoBroker, dir: string): Promise<Round> {
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
    const clocks = await cpuClocks(broker);
    startedAt = performance.now();
    const publishersMs = await publishStream(broker, dir, topicPrefix);
    const rate = await done;
    return { perSec: rate, cpu: await clocks(readings, 'subscriber', { publishers: publishersMs }) };
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

/** A Redis target and a plain connection to each of its nodes, for their CPU clocks. */
interface RedisUnderTest {
  target: RedisTarget;
  nodes: Redis[];
}

async function bridgeRound(
  broker: MosquittoBroker,
  dir: string,
  redis: RedisUnderTest,
  delivery: Delivery,
): Promise<Round & { commits: GroupCommitStats }> {
  return withBridge(broker, redis.target, delivery, async ({ topicPrefix, bridge, store }) => {
    const clocks = await cpuClocks(broker, redis.nodes);
    const startedAt = performance.now();
    const publishersMs = await publishStream(broker, dir, topicPrefix);
    while (bridge.messagesHandled() < readings) await new Promise((resolve) => setTimeout(resolve, 1));
    const rate = perSec(readings, startedAt);
    const cpu = await clocks(readings, 'bridge', { publishers: publishersMs });
    const stats = await store.ingestStats();
    if (stats.accepted !== readings) throw new Error(`bridge stored ${stats.accepted} of ${readings} readings`);
    return { perSec: rate, cpu, commits: bridge.commitStats() };
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const round2 = (value: number) => Math.round(value * 100) / 100;

/** Publish → live state stored and published by the commit, one reading every 10 ms, over all boxes. */
async function commitLatency(
  broker: MosquittoBroker,
  target: RedisTarget,
  delivery: Delivery,
): Promise<{ p50Ms: number; p99Ms: number }> {
  return withBridge(broker, target, delivery, async ({ topicPrefix, store }) => {
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
/** Per process, the median over the rounds of its CPU time per message, and their total. */
function medianCpu(measured: RoundCpu[]): RoundCpu {
  const cpu: RoundCpu = {};
  for (const name of Object.keys(measured[0] ?? {})) cpu[name] = median(measured.map((m) => m[name] as number));
  cpu.total = Math.round(median(measured.map((m) => Object.values(m).reduce((a, b) => a + b, 0))) * 10) / 10;
  return cpu;
}

// No persistence, unbounded queues: the system broker's `max_queued_messages 1000` drops a slow subscriber's QoS 1.
const broker = await startMosquitto({ settings: 'unbounded' });
const redisServer = await startRedis();
const cluster = await startRedisCluster();
const single: RedisUnderTest = { target: { url: redisServer.url }, nodes: [new Redis(redisServer.url)] };
const clustered: RedisUnderTest = {
  target: { clusterNodes: cluster.nodes },
  nodes: cluster.nodes.map(({ host, port }) => new Redis({ host, port })),
};
const dir = await writeStream();
const kinds = allKinds;
const runs = (kind: (typeof kinds)[number]) => selectedKinds.includes(kind);
const measured = Object.fromEntries(kinds.map((kind) => [kind, [] as Round[]])) as Record<
  (typeof kinds)[number],
  Round[]
>;
const batches: GroupCommitStats[] = [];
let latency: { groupCommit: { p50Ms: number; p99Ms: number }; oneByOne: { p50Ms: number; p99Ms: number } } | null =
  null;
try {
  for (let r = 0; r < rounds; r++) {
    if (runs('mosquittoSub')) measured.mosquittoSub.push(await mosquittoSubRound(broker, dir));
    if (runs('rawMqttJs')) measured.rawMqttJs.push(await rawMqttJsRound(broker, dir));
    if (runs('bridge')) {
      const grouped = await bridgeRound(broker, dir, single, groupCommit);
      measured.bridge.push(grouped);
      batches.push(grouped.commits);
    }
    if (runs('bridgeCluster')) measured.bridgeCluster.push(await bridgeRound(broker, dir, clustered, groupCommit));
    if (runs('bridgeOneByOne')) measured.bridgeOneByOne.push(await bridgeRound(broker, dir, single, oneByOne));
  }
  // After the throughput rounds, so both modes meet a warmed-up process.
  if (latencyReadings > 0) {
    const oneByOneLatency = await commitLatency(broker, single.target, oneByOne);
    const groupLatency = await commitLatency(broker, single.target, groupCommit);
    latency = { groupCommit: groupLatency, oneByOne: oneByOneLatency };
  }
} finally {
  for (const node of [...single.nodes, ...clustered.nodes]) node.disconnect();
  await rm(dir, { recursive: true, force: true });
  await cluster.stop();
  await redisServer.stop();
  await broker.stop();
}
const rates = (kind: (typeof kinds)[number]) => measured[kind].map((round) => round.perSec);
const bridgePerSec = Math.round(median(rates('bridge')));
const mosquittoSubPerSec = Math.round(median(rates('mosquittoSub')));
const rawPerSec = Math.round(median(rates('rawMqttJs')));
const clusterPerSec = Math.round(median(rates('bridgeCluster')));
const oneByOnePerSec = Math.round(median(rates('bridgeOneByOne')));
const cpu = Object.fromEntries(kinds.map((kind) => [kind, medianCpu(measured[kind].map((round) => round.cpu))]));
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
    cpuUsPerMessage: cpu,
    cpuRatioToMosquittoSub: ratio(cpu.mosquittoSub?.total as number, cpu.bridge?.total as number),
    targets: { ratioToMosquittoSub: 0.75, clusterVsSingle: 0.8 },
    runs: Object.fromEntries(kinds.map((kind) => [kind, whole(rates(kind))])),
  }),
);
process.exit(0);
