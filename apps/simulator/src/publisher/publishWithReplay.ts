import type { MqttClient } from 'mqtt';
import { ReplayWindow, type ReplayWindowLimits } from './replayWindow.ts';

export interface ReplayOptions extends Partial<ReplayWindowLimits> {
  /** Injected clock, epoch milliseconds. */
  now?: () => number;
}

export interface ReplayStats {
  /** Readings in the window now. */
  window: number;
  /** Readings waiting for the connection (and for the replay before them). */
  held: number;
  /** Readings published again after a reconnect. */
  replayed: number;
  /** Readings dropped from the window by its bounds before their time: a broker crash then could lose them. */
  evicted: number;
}

export interface ReplayingPublisher {
  /** Publishes at QoS 1; resolves on the broker's first PUBACK (a replay later is not counted again). */
  publish(topic: string, payload: string): Promise<void>;
  stats(): ReplayStats;
}

/** Well above the broker's save interval (mosquitto.conf `autosave_interval 5`): the window covers its unsaved tail. */
export const defaultReplayWindowMs = 30_000;

interface HeldReading {
  topic: string;
  payload: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A device's store-and-forward over `client`: every reading the broker acknowledged in the last `windowMs` is kept and,
 * after any reconnect, published again (QoS 1, same payload, in order) before new readings. The broker acknowledges
 * before it saves, so a crash loses its unsaved tail; the replay brings it back and the bridge stores a redelivered
 * reading once. Readings published while the connection is down wait here, behind the replay; those already handed to
 * mqtt.js when the connection dropped (unacknowledged) are re-sent by mqtt.js itself, first.
 */
export function publishWithReplay(client: MqttClient, options: ReplayOptions = {}): ReplayingPublisher {
  const now = options.now ?? Date.now;
  const window = new ReplayWindow({
    windowMs: options.windowMs ?? defaultReplayWindowMs,
    maxReadings: options.maxReadings ?? 200_000,
    maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
  });
  let held: HeldReading[] = [];
  let replayed = 0;
  let up = client.connected;
  // When the connection that carried the window's readings went down; null while up.
  let lostAt: number | null = null;

  const send = (topic: string, payload: string) =>
    client.publishAsync(topic, payload, { qos: 1 }).then(() => window.add(topic, payload, now()));

  client.on('close', () => {
    if (up) lostAt = now();
    up = false;
  });
  // mqtt.js emits `connect` after it has re-sent its own unacknowledged publishes; the replay and then the held
  // readings follow, in that order, on the new connection.
  client.on('connect', () => {
    const replay = lostAt === null ? [] : window.take(lostAt);
    lostAt = null;
    up = true;
    replayed += replay.length;
    for (const reading of replay) send(reading.topic, reading.payload).catch(() => {});
    const waiting = held;
    held = [];
    for (const reading of waiting) send(reading.topic, reading.payload).then(reading.resolve, reading.reject);
  });
  client.on('end', () => {
    const waiting = held;
    held = [];
    for (const reading of waiting) reading.reject(new Error('client ended before the reading was published'));
  });

  return {
    publish(topic, payload) {
      if (up) return send(topic, payload);
      return new Promise((resolve, reject) => held.push({ topic, payload, resolve, reject }));
    },
    stats: () => ({ window: window.size(), held: held.length, replayed, evicted: window.evicted() }),
  };
}
