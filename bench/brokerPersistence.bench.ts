// Mosquitto's snapshot persistence (2.0: no per-message persistence): what each save setting costs and what a
// `kill -9` loses. Per setting (`changes:N` = `autosave_on_changes true` + `autosave_interval N`, `seconds:N` = a save
// every N s), on a broker of its own with the project's other settings: (1) throughput, QoS 1 publishes to a
// persistent QoS 1 subscriber that keeps up, with the broker's CPU per message; (2) loss while it keeps up: killed
// mid-stream, restarted on its database, the subscriber resumes its session; (3) loss with the subscriber away (every
// message queued), killed right after the last PUBACK; (4) a backlog: the subscriber away 10 s while a device publishes
// 2,000/s, then back: the drain rate and the broker's CPU and disk writes; (5) (3) again with the device replaying its
// window after the reconnect (`publishWithReplay`), killed while publishing at 2,000/s. Settings run in alternating
// order (A B B A) so load drift colours each alike. Prints one JSON line.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { publishWithReplay } from '@bst/simulator';
import { connectPersistentSubscriber, type MosquittoBroker, startMosquitto, uniqueName } from '@bst/testing';
import mqtt, { type MqttClient } from 'mqtt';
import { processCpuMs } from './support/processCpu.ts';

// Bench settings are read here, not by turbo tasks.
const benchEnv = process.env;
const settings = (benchEnv.BENCH_AUTOSAVE ?? 'changes:100,seconds:5').split(',');
const messages = Number(benchEnv.BENCH_MESSAGES ?? 3000);
const backlogRate = Number(benchEnv.BENCH_BACKLOG_RATE ?? 2000);
const backlogAwayMs = Number(benchEnv.BENCH_BACKLOG_AWAY_MS ?? 10_000);

/** The broker directives of one setting: `changes:N` saves after N changes, `seconds:N` every N seconds. */
function directives(setting: string): string[] {
  const [kind, n] = setting.split(':');
  if (kind === 'changes') return ['autosave_on_changes true', `autosave_interval ${n}`];
  if (kind === 'seconds') return ['autosave_on_changes false', `autosave_interval ${n}`];
  throw new Error(`BENCH_AUTOSAVE: ${setting} is neither changes:N nor seconds:N`);
}

/**
 * A time-based save leaves a session just made unsaved for up to its interval, and a crash then takes the session and
 * all it queued: the bridge's session is older than that in production, so the loss scenarios start from a saved one.
 * (Saving per N changes saves it with the first messages.)
 */
async function sessionSaved(broker: MosquittoBroker, setting: string) {
  if (setting.startsWith('seconds:')) await broker.saved();
}

/** Bytes a process has caused to be written to storage so far (/proc/<pid>/io). */
function writtenBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/io`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('write_bytes:'));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

const stage = (what: string) => benchEnv.BENCH_VERBOSE && console.error(`[brokerPersistence] ${what}`);

/** Calls `publishOne(n)` for n = 0, 1, ... at `perSecond` for `durationMs`, whatever is due every 10 ms. */
async function publishAtRate(publishOne: (n: number) => void, perSecond: number, durationMs: number, first = 0) {
  const started = performance.now();
  let n = 0;
  for (let elapsed = 0; elapsed < durationMs; elapsed = performance.now() - started) {
    const due = Math.floor((elapsed / 1000) * perSecond);
    for (; n < due; n++) publishOne(first + n);
    await pause(10);
  }
  return first + n;
}
const window = 100;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A persistent QoS 1 subscriber (the bridge's kind of session) that records every payload it receives. */
const subscribe = (url: string, clientId: string, topic: string, received: Set<string>) =>
  connectPersistentSubscriber(url, clientId, topic, (payload) => received.add(payload));

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
async function lossOnKill(broker: MosquittoBroker, setting: string, topic: string, subscriberAway: boolean) {
  const clientId = uniqueName('sub');
  const received = new Set<string>();
  let subscriber = await subscribe(broker.url, clientId, topic, received);
  await sessionSaved(broker, setting);
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

/** The subscriber away for `backlogAwayMs` while a device publishes `backlogRate`/s, then back until it has all. */
async function backlog(broker: MosquittoBroker, topic: string) {
  const clientId = uniqueName('sub');
  const received = new Set<string>();
  await (await subscribe(broker.url, clientId, topic, received)).endAsync();
  const device = await mqtt.connectAsync(broker.url, { clientId: uniqueName('dev'), log: () => {} });
  const acked = new Set<string>();
  const cpu0 = processCpuMs(broker.process.pid);
  const written0 = writtenBytes(broker.process.pid);
  const awayStarted = performance.now();
  const sent: Promise<unknown>[] = [];
  const count = await publishAtRate(
    (n) => sent.push(device.publishAsync(topic, String(n), { qos: 1 }).then(() => acked.add(String(n)))),
    backlogRate,
    backlogAwayMs,
  );
  stage(`backlog: ${count} published, waiting for their acknowledgements`);
  await Promise.allSettled(sent);
  stage(`backlog: ${acked.size} acknowledged, the subscriber returns`);
  const acknowledgedPerSec = Math.round((acked.size / (performance.now() - awayStarted)) * 1000);
  const drainStarted = performance.now();
  const subscriber = await subscribe(broker.url, clientId, topic, received);
  await waitUntil(() => received.size >= acked.size, 300_000);
  const drainMs = performance.now() - drainStarted;
  const cpuMs = processCpuMs(broker.process.pid) - cpu0;
  const written = writtenBytes(broker.process.pid) - written0;
  await Promise.all([device.endAsync(), subscriber.endAsync()]);
  return {
    queued: count,
    acknowledgedPerSec,
    drainPerSec: Math.round((received.size / drainMs) * 1000),
    brokerCpuUsPerMessage: Math.round((cpuMs * 1000) / count),
    brokerWrittenMb: Math.round(written / 1e5) / 10,
  };
}

/** Killed with `kill -9` while a replaying device publishes `backlogRate`/s to an absent subscriber; lost after the replay. */
async function lossWithReplay(broker: MosquittoBroker, setting: string, topic: string) {
  const clientId = uniqueName('sub');
  const received = new Set<string>();
  await (await subscribe(broker.url, clientId, topic, received)).endAsync();
  await sessionSaved(broker, setting);
  const client = await mqtt.connectAsync(broker.url, {
    clientId: uniqueName('dev'),
    reconnectPeriod: 200,
    log: () => {},
  });
  client.on('error', () => {});
  const device = publishWithReplay(client);
  const acked = new Set<string>();
  let unsettled = 0;
  const publishOne = (n: number) => {
    unsettled++;
    void device
      .publish(topic, String(n))
      .then(
        () => acked.add(String(n)),
        () => {},
      )
      .finally(() => unsettled--);
  };
  const next = await publishAtRate(publishOne, backlogRate, 3000);
  await broker.process.kill('SIGKILL');
  const ackedAtKill = acked.size;
  await broker.process.restart();
  await publishAtRate(publishOne, backlogRate, 2000, next);
  // Every publish acknowledged (or failed) first: a slow broker still acknowledging would move the goal while we count.
  await waitUntil(() => unsettled === 0, 120_000);
  const subscriber = await subscribe(broker.url, clientId, topic, received);
  // Until every acknowledged reading came or none came for 15 s: a broker rewriting a backlog per change stalls for seconds.
  for (let seen = -1; seen !== received.size && ![...acked].every((id) => received.has(id)); ) {
    seen = received.size;
    await waitUntil(() => [...acked].every((id) => received.has(id)), 15_000);
  }
  await Promise.all([client.endAsync(), subscriber.endAsync()]);
  return {
    acked: acked.size,
    ackedAtKill,
    replayed: device.stats().replayed,
    lost: [...acked].filter((id) => !received.has(id)).length,
  };
}

const order = [...settings, ...[...settings].reverse()];
interface Run {
  perSec: number[];
  brokerCpuUsPerMessage: number[];
  lostConnected: string[];
  lostAway: string[];
  backlog: Awaited<ReturnType<typeof backlog>>[];
  /** lost/acknowledged (acknowledged before the kill, replayed) with the device's replay. */
  lostAwayWithReplay: string[];
}
const runs: Record<string, Run> = {};
for (const autosave of order) {
  const broker = await startMosquitto({ overrides: directives(autosave) });
  try {
    const topic = `bench/${uniqueName('persist')}`;
    runs[autosave] ??= {
      perSec: [],
      brokerCpuUsPerMessage: [],
      lostConnected: [],
      lostAway: [],
      backlog: [],
      lostAwayWithReplay: [],
    };
    const run = runs[autosave];
    stage(`autosave ${autosave}: throughput`);
    const t = await throughput(broker, topic);
    run.perSec.push(t.perSec);
    run.brokerCpuUsPerMessage.push(t.brokerCpuUsPerMessage);
    stage(`autosave ${autosave}: kill -9 with the subscriber connected`);
    const connected = await lossOnKill(broker, autosave, `${topic}/c`, false);
    run.lostConnected.push(`${connected.lost}/${connected.acked}`);
    stage(`autosave ${autosave}: kill -9 with the subscriber away`);
    const away = await lossOnKill(broker, autosave, `${topic}/a`, true);
    run.lostAway.push(`${away.lost}/${away.acked}`);
    stage(`autosave ${autosave}: backlog`);
    run.backlog.push(await backlog(broker, `${topic}/b`));
    stage(`autosave ${autosave}: kill -9 with the subscriber away and the device replaying`);
    const replayed = await lossWithReplay(broker, autosave, `${topic}/r`);
    run.lostAwayWithReplay.push(
      `${replayed.lost}/${replayed.acked} (${replayed.ackedAtKill} before the kill, ${replayed.replayed} replayed)`,
    );
  } finally {
    await broker.stop();
  }
}
console.log(
  JSON.stringify({
    bench: 'brokerPersistence',
    messages,
    backlog: { perSecond: backlogRate, awayMs: backlogAwayMs },
    settings: runs,
    loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
  }),
);
process.exit(0);
