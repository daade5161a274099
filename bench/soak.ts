// `npm run soak [-- --minutes N]` (issue 11, acceptance 3): the whole stack (core, twin, bridge, archiver, two
// gateways) on a Redis with AOF and a Mosquitto with the project's persistence settings of its own, 2,000 readings/s
// over MQTT QoS 1, and in turn: bridge SIGKILL, broker kill -9, Redis kill -9, core restart, one gateway restarted.
// Alert clients follow alertEvents through both gateways and resume with their cursor when cut off. At the end: every
// acknowledged reading in the archive, every alert event of the stream received once and in order by every client,
// every process's RSS flat after warm-up. One JSON line, then a short summary; exit 1 if a check fails.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { signToken } from '@bst/gateway';
import { processRssBytes, type ServiceProcess, type Stack, startStack } from '@bst/testing';
import { createRedisTwinStore } from '@bst/twin';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { gatewayAdmin } from './support/gatewayAdmin.ts';
import { type AlertFollower, alertEventKey, followOverSse, followOverWebSocket } from './support/soak/followAlerts.ts';
import {
  compareAlertEvents,
  type MemorySample,
  memoryFlat,
  memoryTimeline,
  missingReadings,
} from './support/soak/judgeSoak.ts';
import type { PublisherReport, PublisherSettings } from './support/soak/publishReadings.ts';
import { boxCode, type ReadingSchedule, readingAt } from './support/soak/readingSchedule.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } });
const minutes = Number(values.minutes);
if (!(minutes >= 1)) throw new Error('--minutes must be at least 1');
// Bench settings are read here, not by turbo tasks.
const soakEnv = process.env;
const perSecond = Number(soakEnv.SOAK_READINGS_PER_SEC ?? 2000);
const boxes = Number(soakEnv.SOAK_BOXES ?? 200);
const durationMs = minutes * 60_000;
// Memory: the first window right after warm-up against the last window of the run.
const warmUpMs = Math.max(60_000, 0.2 * durationMs);
const windowMs = Math.max(60_000, 0.1 * durationMs);
// A process restarted by a fault starts afresh: its memory is judged from its own first window after a settling time,
// so the faults end early enough for that window to close before the run's last one.
const restartSettleMs = 60_000;
const restartWindowMs = 60_000;
const outageMs = 5000;
// The report's RSS timeline: one median per service per step.
const timelineStepMs = Math.max(30_000, durationMs / 60);
const log = (line: string) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const storeSettings = {
  // The hot window holds 1,000 readings per box, so Redis reaches its steady size within the warm-up: a hot window
  // that grows for its configured hours is by design, not a leak (the archive keeps every reading).
  TWIN_HISTORY_MAX_READINGS: '1000',
};

const workDir = await mkdtemp(join(tmpdir(), 'bst-soak-'));
// Each process's output, kept when a check fails.
const logDir = join(workDir, 'logs');
mkdirSync(logDir);
log(`starting the stack (${minutes} min, ${perSecond} readings/s over ${boxes} boxes); logs in ${logDir}`);
const stack = await startStack({
  label: 'soak',
  redis: 'own',
  mqtt: 'own',
  gateways: 2,
  logDir,
  env: {
    twin: storeSettings,
    bridge: storeSettings,
    archiver: storeSettings,
    // The alert clients and the setup are one identity; admission limits have their own tests.
    gateway: { RATE_LIMIT_PER_MINUTE: '0' },
  },
});

const running: { publisher: ChildProcess | null } = { publisher: null };
const followers: AlertFollower[] = [];
// The soak's own client of the store: it rides out the Redis kill like the services (errors are the fault, not news).
const redis = new Redis(stack.redis.url);
redis.on('error', () => {});
const store = createRedisTwinStore({ redis, prefix: stack.redis.prefix });
const sql = postgres(stack.database.url, { max: 2, onnotice: () => {} });
let exitCode = 1;
try {
  exitCode = await soak(stack);
} catch (error) {
  log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  running.publisher?.kill('SIGKILL');
  await Promise.all(followers.map((f) => f.stop())).catch(() => {});
  await store.close().catch(() => {});
  redis.disconnect();
  await sql.end().catch(() => {});
  await stack.stop();
  if (exitCode === 0) rmSync(workDir, { recursive: true, force: true });
  else log(`kept ${workDir} (service logs, acknowledged readings)`);
}
process.exit(exitCode);

async function soak(stack: Stack): Promise<number> {
  const adminToken = await signToken(stack.jwtSecret, { subject: 'soak-admin', roles: ['admin'] }, '4h');
  const viewerToken = () => signToken(stack.jwtSecret, { subject: 'soak', roles: ['viewer'] }, '4h');
  const admin = gatewayAdmin(stack.gateway.url, adminToken);
  // Refrigerated, raised at once, never escalated by budget, silent only after an hour (outages are seconds).
  const { createStorageProfile } = await admin<{ createStorageProfile: { id: string } }>(
    'mutation ($input: StorageProfileInput!) { createStorageProfile(input: $input) { id } }',
    {
      input: {
        name: 'Soak fridge',
        kind: 'REFRIGERATED',
        minTempC: 2,
        maxTempC: 8,
        excursionDelaySeconds: 0,
        hysteresisC: 0.5,
        maxExcursionMinutes: 100_000,
        excursionBudgetMinutes: 10_000_000,
        staleAfterSeconds: 3600,
      },
    },
  );
  // Ten at a time: two hundred one after another take minutes on a busy machine.
  for (let first = 0; first < boxes; first += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, boxes - first) }, (_, i) =>
        admin('mutation ($input: CreateContainerInput!) { createContainer(input: $input) { code } }', {
          input: {
            code: boxCode(first + i),
            kind: 'BOX',
            label: `Soak box ${first + i + 1}`,
            storageProfileId: createStorageProfile.id,
          },
        }),
      ),
    );
  }
  // The bridge polls core's catalog every second.
  await pause(3000);

  log(`${boxes} containers created`);
  const start = await store.alertStreamCursor();
  const viewer = viewerToken;
  const [gateway1, gateway2] = stack.gateways as [Stack['gateway'], Stack['gateway']];
  followers.push(
    followOverWebSocket('ws-gateway-1', gateway1.url, viewer, start),
    followOverWebSocket('ws-gateway-2', gateway2.url, viewer, start),
    followOverSse('sse-gateway-2', gateway2.url, viewer, start),
  );
  await pause(2000);

  const schedule: ReadingSchedule = { boxes, perSecond, startMs: Date.now() };
  const ackedFile = join(workDir, 'acknowledged.txt');
  const settings: PublisherSettings = {
    mqttUrl: stack.mqtt.url,
    topicPrefix: stack.mqtt.topicPrefix,
    schedule,
    ackedFile,
  };
  const child = fork(join(here, 'support/soak/publishReadings.ts'), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SOAK_PUBLISHER: JSON.stringify(settings) },
  });
  running.publisher = child;
  let latest: PublisherReport | null = null;
  const emptyReport: PublisherReport = {
    published: 0,
    acknowledged: 0,
    unacknowledged: 0,
    failed: 0,
    droppedAtDevice: 0,
    publishedPerSec: 0,
    replayed: 0,
    replayEvicted: 0,
    final: false,
  };
  const finalReport = new Promise<PublisherReport>((resolve) =>
    child.on('message', (report: PublisherReport) => {
      latest = report;
      if (report.final) resolve(report);
    }),
  );
  const t0 = Date.now();
  const at = () => Date.now() - t0;
  log('publishing');

  const samples: MemorySample[] = [];
  const sample = () => {
    for (const process of stack.processes()) {
      samples.push({ service: process.name, atMs: at(), rssBytes: process.rssBytes() });
    }
    if (child.pid) samples.push({ service: 'publisher', atMs: at(), rssBytes: processRssBytes(child.pid) });
  };
  const sampler = setInterval(sample, 5000);
  const progress = setInterval(async () => {
    const stats = await store.ingestStats().catch(() => null);
    const report = latest as PublisherReport | null;
    log(
      `${Math.round(at() / 1000)} s: published ${report?.published ?? 0} (${report?.publishedPerSec ?? 0}/s), acked ${report?.acknowledged ?? 0}, accepted ${stats?.accepted ?? '?'}, alert events ${followers.map((f) => `${f.name} ${f.events.length}`).join(', ')}; load ${loadavg()[0]?.toFixed(1)}`,
    );
  }, 30_000);

  const faultWindow = { from: warmUpMs + windowMs, to: durationMs - windowMs - restartSettleMs - restartWindowMs };
  /** When each process a fault restarted was back (ms since the start). */
  const restartedAt: Record<string, number> = {};
  const byName = (name: string) => stack.processes().find((p) => p.name === name) as ServiceProcess;
  // As an orchestrator does: a start that does not become ready is killed and tried again.
  const bringBack = async (name: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await byName(name).restart();
      } catch (error) {
        log(`${name} did not come back (attempt ${attempt}): ${String(error).slice(0, 2000)}`);
        if (attempt === 3) throw error;
      }
    }
  };
  const crashAndRestart = (name: string) => async () => {
    await byName(name).kill('SIGKILL');
    await pause(outageMs);
    await bringBack(name);
    restartedAt[name] = at();
  };
  const restart = (name: string) => async () => {
    await byName(name).stop();
    await bringBack(name);
    restartedAt[name] = at();
  };
  const faults = [
    { fault: 'bridge SIGKILL', run: crashAndRestart('bridge') },
    { fault: 'broker kill -9', run: crashAndRestart('mosquitto') },
    { fault: 'redis kill -9', run: crashAndRestart('redis') },
    { fault: 'core restart', run: restart('core') },
    { fault: 'gateway-2 restart', run: restart('gateway-2') },
  ];
  const faultLog: { fault: string; atS: number; tookMs: number; error?: string }[] = [];
  for (const [i, fault] of faults.entries()) {
    const when = faultWindow.from + ((faultWindow.to - faultWindow.from) * i) / (faults.length - 1);
    await pause(Math.max(0, when - at()));
    log(`fault: ${fault.fault}`);
    const began = at();
    try {
      await fault.run();
      faultLog.push({ fault: fault.fault, atS: Math.round(began / 1000), tookMs: at() - began });
    } catch (error) {
      faultLog.push({
        fault: fault.fault,
        atS: Math.round(began / 1000),
        tookMs: at() - began,
        error: error instanceof Error ? error.message.slice(0, 300) : String(error),
      });
    }
    log(`recovered from ${fault.fault} in ${at() - began} ms`);
  }
  await pause(Math.max(0, durationMs - at()));
  clearInterval(sampler);
  clearInterval(progress);
  sample();

  log('stopping the publisher');
  child.send('stop');
  // It waits up to 60 s for the acknowledgements still due; a publisher that hangs past that is killed, and what it
  // recorded (on disk as each batch was acknowledged) is what counts.
  const published = await Promise.race([
    finalReport,
    pause(120_000).then(() => {
      child.kill('SIGKILL');
      log('the publisher did not stop within 120 s: killed');
      return { ...(latest ?? emptyReport), final: false } as PublisherReport;
    }),
  ]);
  log(`published ${published.published}, acknowledged ${published.acknowledged}; waiting for the archive`);

  const acknowledged = new Map<number, Set<number>>();
  for (const line of (existsSync(ackedFile) ? readFileSync(ackedFile, 'utf8') : '').split('\n')) {
    if (!line) continue;
    const [box, k] = line.split(' ').map(Number) as [number, number];
    const times = acknowledged.get(box) ?? new Set<number>();
    times.add(readingAt(schedule, k * boxes + box).ts);
    acknowledged.set(box, times);
  }
  const acknowledgedDistinct = [...acknowledged.values()].reduce((sum, times) => sum + times.size, 0);
  const archivedCount = async () =>
    Number((await sql`select count(*)::bigint as n from twin.readings where entity like 'container:SOAK-%'`)[0]?.n);
  let archived = await archivedCount();
  let lastProgressAt = Date.now();
  const drainDeadline = Date.now() + 5 * 60_000;
  while (archived < acknowledgedDistinct && Date.now() - lastProgressAt < 60_000 && Date.now() < drainDeadline) {
    await pause(2000);
    const now = await archivedCount();
    if (now > archived) lastProgressAt = Date.now();
    archived = now;
  }
  const drainedInS = Math.round(at() / 1000 - minutes * 60);

  const stored = new Map<number, Set<number>>();
  for (let box = 0; box < boxes; box++) {
    const rows = await sql<{ ms: string }[]>`
      select (extract(epoch from at) * 1000)::bigint as ms from twin.readings where entity = ${`container:${boxCode(box)}`}`;
    stored.set(box, new Set(rows.map((r) => Number(r.ms))));
  }
  const readings = missingReadings(acknowledged, stored);

  // Every alert event of the stream since the clients' start cursor, in the stream's order.
  const readStream = async () => {
    const events: { key: string; alertId: string }[] = [];
    let page = await store.alertEventsAfter(start, {}, 1000);
    for (;;) {
      events.push(
        ...page.events.map((e) => ({
          alertId: e.event.alertId,
          key: alertEventKey(e.event.alertId, e.event.transition, new Date(e.event.at).getTime()),
        })),
      );
      if (!page.more) return events;
      page = await store.alertEventsAfter(page.cursor, {}, 1000);
    }
  };
  const stream = await readStream();
  const streamKeys = new Set(stream.map((e) => e.key));
  const caughtUp = (f: AlertFollower) => new Set(f.events.map((e) => e.key).filter((k) => streamKeys.has(k))).size;
  const caughtUpBy = Date.now() + 60_000;
  while (followers.some((f) => caughtUp(f) < stream.length) && Date.now() < caughtUpBy) await pause(500);
  await Promise.all(followers.map((f) => f.stop()));
  const clients = followers.map((f) => ({
    client: f.name,
    resumes: f.resumes,
    ...compareAlertEvents(f.events, stream),
    cutOffs: Object.fromEntries(f.cutOffs),
  }));

  const memory = memoryFlat(
    samples,
    { from: warmUpMs, to: warmUpMs + windowMs },
    { from: durationMs - windowMs, to: durationMs + 1 },
    0.15,
    Object.fromEntries(
      Object.entries(restartedAt).map(([service, back]) => [
        service,
        { from: back + restartSettleMs, to: back + restartSettleMs + restartWindowMs },
      ]),
    ),
  );
  const ingest = await store.ingestStats();
  const services = memory.filter((m) => m.service !== 'publisher');
  const pass = {
    zeroReadingsLost: readings.missing === 0 && readings.acknowledgedDistinct > 0,
    zeroAlertEventsLost: clients.every((c) => c.lost === 0 && c.duplicates === 0 && c.inOrder) && stream.length > 0,
    memoryFlat: services.every((m) => m.flat),
  };
  const result = {
    bench: 'soak',
    date: new Date().toISOString(),
    minutes,
    boxes,
    targetReadingsPerSec: perSecond,
    publishedPerSec: published.publishedPerSec,
    faults: faultLog,
    readings: {
      published: published.published,
      acknowledged: published.acknowledged,
      unacknowledgedAtStop: published.unacknowledged,
      droppedAtDevice: published.droppedAtDevice,
      replayedByDevice: published.replayed,
      replayEvicted: published.replayEvicted,
      publisherStopped: published.final,
      acknowledgedDistinct: readings.acknowledgedDistinct,
      archived,
      missing: readings.missing,
      missingExamples: readings.examples,
      archiveDrainedSecondsAfterStop: drainedInS,
    },
    ingestStats: ingest,
    alerts: { streamEvents: stream.length, clients },
    memory,
    memoryTimelineStepS: timelineStepMs / 1000,
    memoryTimelineMb: memoryTimeline(samples, timelineStepMs),
    loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
    pass,
  };
  console.log(JSON.stringify(result));
  const failedServices = services.filter((m) => !m.flat).map((m) => `${m.service} ${m.firstMb}→${m.lastMb} MB`);
  console.log(
    [
      `soak ${minutes} min at ${published.publishedPerSec}/s published (target ${perSecond}), load ${result.loadAverage.join(' ')}`,
      `readings: ${readings.acknowledgedDistinct} acknowledged, ${archived} archived, ${readings.missing} missing → ${pass.zeroReadingsLost ? 'PASS' : 'FAIL'}`,
      `alert events: ${stream.length} in the stream; ${clients.map((c) => `${c.client} ${c.received} received, ${c.lost} lost, ${c.duplicates} duplicates, ${c.inOrder ? 'in order' : 'OUT OF ORDER'}, ${c.resumes} resumes`).join('; ')} → ${pass.zeroAlertEventsLost ? 'PASS' : 'FAIL'}`,
      `memory: ${services.map((m) => `${m.service} ${m.firstMb}→${m.lastMb} MB (${m.ratio})`).join(', ')} → ${pass.memoryFlat ? 'PASS' : `FAIL (${failedServices.join(', ')})`}`,
    ].join('\n'),
  );
  return Object.values(pass).every(Boolean) ? 0 : 1;
}
