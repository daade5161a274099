// The soak's publisher, its own process so the soak's clients never slow it: QoS 1 readings at a steady rate, and a
// record of exactly the readings the broker acknowledged (PUBACK), one `box k` line each. A device's store-and-forward
// (the simulator's `publishWithReplay`): after any reconnect it publishes again what the broker acknowledged in the
// replay window before the loss, since a broker killed with -9 loses what it had not saved yet. Stops on the message
// "stop": publishes no more, waits for the acknowledgements still due, flushes, reports and exits.
import { appendFileSync } from 'node:fs';
import { publishWithReplay } from '@bst/simulator';
import mqtt from 'mqtt';
import { boxCode, type ReadingSchedule, readingAt } from './readingSchedule.ts';

export interface PublisherSettings {
  mqttUrl: string;
  topicPrefix: string;
  schedule: ReadingSchedule;
  /** Where the acknowledged readings go. */
  ackedFile: string;
  /**
   * Readings a device may hold unacknowledged, fleet-wide: past it, a due reading is dropped at the device and counted
   * (`droppedAtDevice`), as a sensor with a full buffer drops it. Keeps a broker that stops acknowledging visible in the
   * figures instead of growing the publisher without bound.
   */
  maxPending?: number;
  /** The device's replay window (default the simulator's, 30 s). */
  replayWindowMs?: number;
}

export interface PublisherReport {
  published: number;
  acknowledged: number;
  /** Readings the broker never acknowledged within the wait at the end (not counted as published). */
  unacknowledged: number;
  failed: number;
  /** Due readings never published because `maxPending` were already waiting for the broker. */
  droppedAtDevice: number;
  /** Published per second over the run (the rate kept). */
  publishedPerSec: number;
  /** Readings published again after reconnects (each counted once per replay). */
  replayed: number;
  /** Readings dropped from the replay window by its bounds before their time (a broker crash then could lose them). */
  replayEvicted: number;
  final: boolean;
}

// The soak hands the settings over in the environment of this process.
const publisherEnv = process.env;
const settings = JSON.parse(publisherEnv.SOAK_PUBLISHER ?? '{}') as PublisherSettings;
// Written in batches with appendFileSync: what is recorded is on disk even if this process is killed.
let acked: string[] = [];
const flush = () => {
  if (acked.length === 0) return;
  appendFileSync(settings.ackedFile, acked.join(''));
  acked = [];
};
const maxPending = settings.maxPending ?? 50_000;
// MQTT 3.1.1 as the original's devices; keep reconnecting through a broker restart.
const client = mqtt.connect(settings.mqttUrl, {
  clientId: `soak-publisher-${process.pid}`,
  protocolVersion: 4,
  reconnectPeriod: 500,
  connectTimeout: 5000,
});
client.on('error', () => {});
const device = publishWithReplay(
  client,
  settings.replayWindowMs === undefined ? {} : { windowMs: settings.replayWindowMs },
);

let published = 0;
let acknowledged = 0;
let failed = 0;
let pending = 0;
let droppedAtDevice = 0;
let due = 0;
let stopping = false;
const startedAt = performance.now();
let stoppedAt: number | null = null;

function publishNext(n: number) {
  published++;
  const reading = readingAt(settings.schedule, n);
  pending++;
  device
    .publish(
      `${settings.topicPrefix}/telemetry/box/${boxCode(reading.box)}`,
      JSON.stringify({ temperature: reading.temperature, humidity: 50, ts: reading.ts }),
    )
    .then(
      () => {
        acknowledged++;
        acked.push(`${reading.box} ${reading.k}\n`);
      },
      () => {
        failed++;
      },
    )
    .finally(() => {
      pending--;
    });
}

const report = (final: boolean): PublisherReport => ({
  published,
  acknowledged,
  unacknowledged: pending,
  failed,
  droppedAtDevice,
  publishedPerSec: Math.round(published / (((stoppedAt ?? performance.now()) - startedAt) / 1000)),
  replayed: device.stats().replayed,
  replayEvicted: device.stats().evicted,
  final,
});

// Every 10 ms, whatever is due by now: the rate holds even when a tick comes late.
const tick = setInterval(() => {
  const now = Math.floor(((performance.now() - startedAt) / 1000) * settings.schedule.perSecond);
  for (; due < now; due++) {
    if (pending >= maxPending) droppedAtDevice++;
    else publishNext(due);
  }
  flush();
}, 10);
const progress = setInterval(() => process.send?.(report(false)), 5000);

process.on('message', async (message) => {
  if (message !== 'stop' || stopping) return;
  stopping = true;
  stoppedAt = performance.now();
  clearInterval(tick);
  clearInterval(progress);
  const deadline = Date.now() + 60_000;
  while (pending > 0 && Date.now() < deadline) {
    flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  flush();
  process.send?.(report(true));
  client.end(true);
  process.disconnect?.();
  process.exit(0);
});
