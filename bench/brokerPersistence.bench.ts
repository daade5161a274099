// Mosquitto's snapshot persistence (2.0: no per-message persistence): what `autosave_interval` (on changes) costs and
// what a `kill -9` loses. Per setting, on a broker of its own with the project's other settings: (1) throughput, QoS 1
// publishes to a persistent QoS 1 subscriber that keeps up (the broker's queue stays near empty), with the broker's CPU
// per message; (2) loss while it keeps up: killed mid-stream, restarted on its database, the subscriber resumes its
// session; (3) loss with the subscriber away (every message queued), killed right after the last PUBACK. Settings run
// in alternating order (A B C C B A) so load drift colours each alike. Prints one JSON line.
import { loadavg } from 'node:os';
import { type MosquittoBroker, startMosquitto, uniqueName } from '@bst/testing';
import mqtt, { type MqttClient } from 'mqtt';
import { processCpuMs } from './support/processCpu.ts';

// Bench settings are read here, not by turbo tasks.
const benchEnv = process.env;
const settings = (benchEnv.BENCH_AUTOSAVE ?? '1,10,100').split(',').map(Number);
const messages = Number(benchEnv.BENCH_MESSAGES ?? 3000);
const window = 100;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A persistent QoS 1 subscriber (the bridge's kind of session) that records every payload it receives. */
async function subscribe(url: string, clientId: string, topic: string, received: Set<string>): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { clientId, clean: false, reconnectPeriod: 200, log: () => {} });
  client.on('message', (_topic, payload) => received.add(payload.toString()));
  client.on('error', () => {});
  await client.subscribeAsync(topic, { qos: 1 });
  return client;
}

/** Publishes `count` QoS 1 messages with at most `window` unacknowledged; returns the ids the broker acknowledged. */
async function publish(client: MqttClient, topic: string, first: number, count: number, acked: Set<string>) {
  let next = first;
  const worker = async () => {
    while (next < first + count) {
      const id = String(next++);
      await client.publishAsync(topic, id, { qos: 1 }).then(
        () => acked.add(id),
        () => {},
      );
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await pause(20);
  return done();
}

async function throughput(broker: MosquittoBroker, topic: string) {
  const received = new Set<string>();
  const subscriber = await subscribe(broker.url, uniqueName('sub'), topic, received);
  const device = await mqtt.connectAsync(broker.url, { clientId: uniqueName('dev'), log: () => {} });
  const cpu0 = processCpuMs(broker.process.pid);
  const started = performance.now();
  await publish(device, topic, 0, messages, new Set());
  await waitUntil(() => received.size >= messages, 120_000);
  const ms = performance.now() - started;
  const cpuMs = processCpuMs(broker.process.pid) - cpu0;
  await Promise.all([device.endAsync(), subscriber.endAsync()]);
  return { perSec: Math.round((messages / ms) * 1000), brokerCpuUsPerMessage: Math.round((cpuMs * 1000) / messages) };
}

/** Kills the broker with `kill -9` after `killAfter` acknowledged publishes, restarts it, and counts what never came. */
async function lossOnKill(broker: MosquittoBroker, topic: string, subscriberAway: boolean) {
  const clientId = uniqueName('sub');
  const received = new Set<string>();
  let subscriber = await subscribe(broker.url, clientId, topic, received);
  if (subscriberAway) await subscriber.endAsync();
  const device = await mqtt.connectAsync(broker.url, {
    clientId: uniqueName('dev'),
    reconnectPeriod: 0,
    log: () => {},
  });
  device.on('error', () => {});
  const acked = new Set<string>();
  const total = subscriberAway ? 1000 : messages;
  const publishing = publish(device, topic, 0, total, acked);
  if (subscriberAway) await publishing;
  else await waitUntil(() => acked.size >= total / 2, 60_000);
  await broker.process.kill('SIGKILL');
  // Ended, the device fails what it had in flight (never acknowledged: not counted) and every later publish.
  device.end(true);
  await publishing;
  await broker.process.restart();
  if (subscriberAway) subscriber = await subscribe(broker.url, clientId, topic, received);
  // Until every acknowledged message came or none came for 5 s (a save per delivery makes redelivery slow).
  for (let seen = -1; seen !== received.size && ![...acked].every((id) => received.has(id)); ) {
    seen = received.size;
    await waitUntil(() => [...acked].every((id) => received.has(id)), 5000);
  }
  await subscriber.endAsync();
  return { acked: acked.size, lost: [...acked].filter((id) => !received.has(id)).length };
}

const stage = (what: string) => benchEnv.BENCH_VERBOSE && console.error(`[brokerPersistence] ${what}`);
const order = [...settings, ...[...settings].reverse()];
const runs: Record<
  string,
  { perSec: number[]; brokerCpuUsPerMessage: number[]; lostConnected: string[]; lostAway: string[] }
> = {};
for (const autosave of order) {
  const broker = await startMosquitto({ overrides: [`autosave_interval ${autosave}`] });
  try {
    const topic = `bench/${uniqueName('persist')}`;
    runs[autosave] ??= { perSec: [], brokerCpuUsPerMessage: [], lostConnected: [], lostAway: [] };
    const run = runs[autosave];
    stage(`autosave ${autosave}: throughput`);
    const t = await throughput(broker, topic);
    run.perSec.push(t.perSec);
    run.brokerCpuUsPerMessage.push(t.brokerCpuUsPerMessage);
    stage(`autosave ${autosave}: kill -9 with the subscriber connected`);
    const connected = await lossOnKill(broker, `${topic}/c`, false);
    run.lostConnected.push(`${connected.lost}/${connected.acked}`);
    stage(`autosave ${autosave}: kill -9 with the subscriber away`);
    const away = await lossOnKill(broker, `${topic}/a`, true);
    run.lostAway.push(`${away.lost}/${away.acked}`);
  } finally {
    await broker.stop();
  }
}
console.log(
  JSON.stringify({
    bench: 'brokerPersistence',
    messages,
    settings: Object.fromEntries(Object.entries(runs).map(([k, v]) => [`autosave_interval ${k}`, v])),
    loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
  }),
);
process.exit(0);
