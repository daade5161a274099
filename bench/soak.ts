// `npm run soak [-- --minutes N]` (issue 11, acceptance 3): the whole stack (core, twin, bridge, archiver, two
// gateways) on a Redis with AOF and a Mosquitto with the project's persistence settings of its own, 2,000 readings/s
// over MQTT QoS 1, and in turn: bridge SIGKILL, broker kill -9, Redis kill -9, core restart, one gateway restarted.
// Alert clients follow alertEvents through both gateways and resume with their cursor when cut off. At the end: every
// acknowledged reading in the archive, every alert event of the stream (recorded live by the soak: the stream is
// trimmed to its last minutes) received once and in order by every client, every process's RSS flat after warm-up.
// One JSON line, then a short summary; exit 1 if a check fails.
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
import { type AlertFollower, followOverSse, followOverWebSocket } from './support/soak/followAlerts.ts';
import {
  compareAlertEvents,
  type MemorySample,
  memoryFlat,
  memoryTimeline,
  missingReadings,
} from './support/soak/judgeSoak.ts';
import { planSoakWindows } from './support/soak/planSoakWindows.ts';
import type { PublisherReport, PublisherSettings } from './support/soak/publishReadings.ts';
import { boxCode, type ReadingSchedule, readingAt } from './support/soak/readingSchedule.ts';
import { recordAlertStream } from './support/soak/recordAlertStream.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } });
const minutes = Number(values.minutes);
if (!(minutes >= 1)) throw new Error('--minutes must be at least 1');
// Bench settings are read here, not by turbo tasks.
const soakEnv = process.env;
const perSecond = Number(soakEnv.SOAK_READINGS_PER_SEC ?? 2000);
const boxes = Number(soakEnv.SOAK_BOXES ?? 200);
const durationMs = minutes * 60_000;
const faultNames = ['bridge SIGKILL', 'broker kill -9', 'redis kill -9', 'core restart', 'gateway-2 restart'] as const;
// Memory: the first window after warm-up against the last window of the run; a process a fault restarted is judged
// from its own first window after the same warm-up. Refused here, before the stack starts, when the run is too short.
const { warmUpMs, windowMs, lastWindowFromMs, faultsAtMs } = planSoakWindows(durationMs, faultNames.length);
const outageMs = 5000;
// The report's RSS timeline: one median per service per step.
const timelineStepMs = Math.max(30_000, durationMs / 60);
const log = (line: string) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const storeSettings = {
  // The hot window holds 1,000 readings per box, so Redis reaches its steady size within the warm-up: a hot window
  // that grows for its configured hours is by design, not a leak (the archive keeps every reading).
  TWIN_HISTORY_MAX_READINGS: '1000',
  // Likewise the alert stream: ~25 events per partition a minute here, so 100 is its last ~4 minutes, steady within
  // the warm-up and ample for a client cut off for seconds; the soak's ground truth is recorded live (recordAlertStream).
  TWIN_ALERT_STREAM_MAX_LENGTH: '100',
  // Ended alerts leave Redis two minutes after their last transition (the archive keeps them).
  TWIN_ENDED_ALERT_MINUTES: '2',
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
const recording: { stop(): Promise<void> }[] = [];
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
  await Promise.all([...followers, ...recording].map((f) => f.stop())).catch(() => {});
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
  // A process kill -9 of Redis loses nothing it answered (the AOF is written before the reply, and survives in the page
  // cache; everysec bounds an OS crash's loss). Were the restarted Redis without events the record had read, the
  // record's cursor would be ahead of the store: CursorExpiredError as for a trim, and the soak fails; clients that got
  // those events live would match the record, clients that resumed past them would count them lost.
  const record = recordAlertStream(store, start, {
    onExpired: () =>
      log('FAIL: the stream no longer holds the events after the recorded cursor: the record has a hole'),
  });
  recording.push(record);
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
      `${Math.round(at() / 1000)} s: published ${report?.published ?? 0} (${report?.publishedPerSec ?? 0}/s), acked ${report?.acknowledged ?? 0}, accepted ${stats?.accepted ?? '?'}, alert events recorded ${record.events.length}, ${followers.map((f) => `${f.name} ${f.events.length}`).join(', ')}; load ${loadavg()[0]?.toFixed(1)}`,
    );
  }, 30_000);

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
  const runFault: Record<(typeof faultNames)[number], () => Promise<void>> = {
    'bridge SIGKILL': crashAndRestart('bridge'),
    'broker kill -9': crashAndRestart('mosquitto'),
    'redis kill -9': crashAndRestart('redis'),
    'core restart': restart('core'),
    'gateway-2 restart': restart('gateway-2'),
  };
  const faultLog: { fault: string; atS: number; tookMs: number; error?: string }[] = [];
  for (const [i, fault] of faultNames.entries()) {
    await pause(Math.max(0, (faultsAtMs[i] as number) - at()));
    log(`fault: ${fault}`);
    const began = at();
    try {
      await runFault[fault]();
      faultLog.push({ fault, atS: Math.round(began / 1000), tookMs: at() - began });
    } catch (error) {
      faultLog.push({
        fault,
        atS: Math.round(began / 1000),
        tookMs: at() - began,
        error: error instanceof Error ? error.message.slice(0, 300) : String(error),
      });
    }
    log(`recovered from ${fault} in ${at() - began} ms`);
  }
  for (const [service, back] of Object.entries(restartedAt)) {
    if (back + warmUpMs + windowMs > lastWindowFromMs)
      log(`${service} was back too late for its own first window to close before the last one: judged across them`);
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

  // The publisher stopped and the archive drained: no more events come. The record reads to the stream's head, the
  // clients are given a minute to get what it holds, and the record looks once more (a straggler means waiting again).
  const caughtUpBy = Date.now() + 60_000;
  const caughtUp = async () => {
    const keys = new Set(record.events.map((e) => e.key));
    const got = (f: AlertFollower) => new Set(f.events.map((e) => e.key).filter((k) => keys.has(k))).size;
    while (followers.some((f) => got(f) < keys.size) && Date.now() < caughtUpBy) await pause(500);
  };
  let recordError: string | null = null;
  try {
    await record.catchUp();
    do await caughtUp();
    while ((await record.catchUp()) > 0 && Date.now() < caughtUpBy);
  } catch (error) {
    recordError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    log(`FAIL: the record of the alert stream is incomplete: ${recordError}`);
  }
  await Promise.all(followers.map((f) => f.stop()));
  const stream = record.events;
  const clients = followers.map((f) => ({
    client: f.name,
    resumes: f.resumes,
    ...compareAlertEvents(f.events, stream),
    cutOffs: Object.fromEntries(f.cutOffs),
  }));

  const memory = memoryFlat(
    samples,
    { from: warmUpMs, to: warmUpMs + windowMs },
    { from: lastWindowFromMs, to: durationMs + 1 },
    0.15,
    Object.fromEntries(
      Object.entries(restartedAt).map(([service, back]) => [
        service,
        { from: back + warmUpMs, to: back + warmUpMs + windowMs },
      ]),
    ),
  );
  const ingest = await store.ingestStats();
  // What the broker dropped from a session's queue past max_queued_messages (acknowledged to the publisher, never
  // delivered): the first place to look when readings are missing.
  const brokerLog = join(logDir, 'mosquitto.log');
  const brokerDrops = (existsSync(brokerLog) ? readFileSync(brokerLog, 'utf8') : '')
    .split('\n')
    .filter((line) => line.includes('being dropped'));
  const services = memory.filter((m) => m.service !== 'publisher');
  const pass = {
    zeroReadingsLost: readings.missing === 0 && readings.acknowledgedDistinct > 0,
    zeroAlertEventsLost:
      recordError === null &&
      clients.every((c) => c.lost === 0 && c.duplicates === 0 && c.inOrder) &&
      stream.length > 0,
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
    brokerDropNotices: { count: brokerDrops.length, first: brokerDrops[0] ?? null },
    alerts: {
      streamEvents: stream.length,
      record: { failedReads: record.failedReads, complete: recordError === null, error: recordError },
      clients,
    },
    memory,
    memoryTimelineStepS: timelineStepMs / 1000,
    memoryTimelineMb: memoryTimeline(samples, timelineStepMs),
    loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
    pass,
  };
  console.log(JSON.stringify(result));
  const failedServices = services.filter((m) => !m.flat).map((m) => `${m.service} ${m.firstPeakMb}→${m.lastPeakMb} MB`);
  console.log(
    [
      `soak ${minutes} min at ${published.publishedPerSec}/s published (target ${perSecond}), load ${result.loadAverage.join(' ')}`,
      `readings: ${readings.acknowledgedDistinct} acknowledged, ${archived} archived, ${readings.missing} missing → ${pass.zeroReadingsLost ? 'PASS' : 'FAIL'}`,
      `alert events: ${stream.length} in the stream (recorded live, ${record.failedReads} failed reads retried${recordError ? `, INCOMPLETE: ${recordError}` : ''}); ${clients.map((c) => `${c.client} ${c.received} received, ${c.lost} lost, ${c.duplicates} duplicates, ${c.inOrder ? 'in order' : 'OUT OF ORDER'}, ${c.resumes} resumes`).join('; ')} → ${pass.zeroAlertEventsLost ? 'PASS' : 'FAIL'}`,
      `memory (window peaks): ${services.map((m) => `${m.service} ${m.firstPeakMb}→${m.lastPeakMb} MB (${m.ratio})`).join(', ')} → ${pass.memoryFlat ? 'PASS' : `FAIL (${failedServices.join(', ')})`}`,
    ].join('\n'),
  );
  return Object.values(pass).every(Boolean) ? 0 : 1;
}
