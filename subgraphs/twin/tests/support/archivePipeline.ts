import type { Reading, StorageProfile } from '@bst/coldchain';
import { createRedisTestPrefix, createTestDatabase, services, uniqueName } from '@bst/testing';
import mqtt, { type MqttClient } from 'mqtt';
import {
  type ArchiveDatabase,
  ArchiveRepository,
  type Archiver,
  createComplianceReader,
  createHistory,
  openArchiveDatabase,
  startArchiver,
} from '../../src/archive/index.ts';
import { type Bridge, startBridge } from '../../src/bridge/index.ts';
import { createRedisTwinStore, type EntityRef, type TwinStore } from '../../src/store/index.ts';

export interface PipelineOptions {
  label: string;
  profile: StorageProfile;
  codes: string[];
  /** Redis's hot window (the archive holds everything older). */
  hotWindowMs?: number;
}

export interface ArchivePipeline {
  store: TwinStore;
  archive: ArchiveRepository;
  database: ArchiveDatabase;
  archiver: Archiver;
  bridge: Bridge;
  readCompliance: ReturnType<typeof createComplianceReader>;
  /** Publishes each container's series over MQTT, one reading per message, QoS 1, interleaved in event-time order. */
  publish(series: Map<string, readonly Reading[]>): Promise<{ readingsPerSec: number; maxLag: number }>;
  /** Resolves once the outbox is empty (every entry archived and acknowledged). */
  drained(timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The archive's whole path on the machine's real services: readings over Mosquitto into the bridge, Redis (a hot
 * window), the outbox, an archiver, Postgres (a fresh database), and compliance answered from the archive.
 */
export async function startArchivePipeline(options: PipelineOptions): Promise<ArchivePipeline> {
  const catalog = {
    version: 'pipeline',
    profiles: [options.profile],
    bindings: options.codes.map((code) => ({ entityType: 'CONTAINER' as const, code, profileId: options.profile.id })),
  };
  const redis = createRedisTestPrefix(options.label);
  const store = createRedisTwinStore({
    redis: redis.url,
    prefix: redis.prefix,
    ...(options.hotWindowMs ? { retention: { maxAgeMs: options.hotWindowMs } } : {}),
  });
  const test = await createTestDatabase(options.label);
  const database = await openArchiveDatabase({ url: test.url, max: 6 });
  const archive = new ArchiveRepository(database, { retentionMs: 10 * 365.25 * 24 * 3600_000 });
  const topicPrefix = uniqueName(options.label);
  const bridgeClientId = uniqueName(`${options.label}_bridge`);
  const bridge = await startBridge({
    mqttUrl: services.mqttUrl,
    store,
    archive,
    catalogSource: { version: async () => catalog.version, catalog: async () => catalog },
    topicPrefix,
    clientId: bridgeClientId,
    // The readings are in the past: a wall-clock scheduler would call every sensor silent.
    schedulerIntervalMs: false,
  });
  const archiver = startArchiver({
    store,
    archive,
    profileOf: () => options.profile,
    consumer: `${options.label}-archiver`,
    idleMs: 20,
  });
  const publisher: MqttClient = await mqtt.connectAsync(services.mqttUrl, { clientId: uniqueName('device') });
  const history = createHistory(store, archive);

  return {
    store,
    archive,
    database,
    archiver,
    bridge,
    readCompliance: createComplianceReader({ store, archive, history }),
    async publish(series) {
      const messages = [...series.entries()]
        .flatMap(([code, readings]) =>
          readings.map((r) => ({
            at: r.at,
            topic: `${topicPrefix}/telemetry/box/${code}`,
            body: JSON.stringify({ temperature: r.temperatureC, humidity: r.humidityPct, ts: r.at }),
          })),
        )
        .sort((a, b) => a.at - b.at);
      let maxLag = 0;
      const sampler = setInterval(() => {
        store.outbox.lag().then(
          (lag) => {
            maxLag = Math.max(maxLag, lag.unacknowledged);
          },
          () => {},
        );
      }, 500);
      const started = performance.now();
      const before = bridge.messagesHandled();
      try {
        for (let i = 0; i < messages.length; i += 100) {
          // At most 800 ahead of the bridge: Mosquitto drops QoS 1 messages beyond its 1000-message queue.
          while (i - (bridge.messagesHandled() - before) > 800) await new Promise((resolve) => setImmediate(resolve));
          await Promise.all(messages.slice(i, i + 100).map((m) => publisher.publishAsync(m.topic, m.body, { qos: 1 })));
        }
        while (bridge.messagesHandled() - before < messages.length)
          await new Promise((resolve) => setTimeout(resolve, 2));
      } finally {
        clearInterval(sampler);
      }
      return { readingsPerSec: (messages.length / (performance.now() - started)) * 1000, maxLag };
    },
    async drained(timeoutMs = 120_000) {
      const started = performance.now();
      const deadline = Date.now() + timeoutMs;
      while ((await store.outbox.lag()).unacknowledged > 0) {
        if (Date.now() > deadline) throw new Error('the archive did not catch up');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return (performance.now() - started) / 1000;
    },
    async stop() {
      await publisher.endAsync();
      await bridge.stop();
      const cleaner = await mqtt.connectAsync(services.mqttUrl, {
        clientId: bridgeClientId,
        clean: true,
        protocolVersion: 5,
      });
      await cleaner.endAsync();
      await archiver.stop();
      await store.close();
      await redis.cleanup();
      await database.close();
      await test.drop();
    },
  };
}

export const containerRef = (code: string): EntityRef => ({ entityType: 'CONTAINER', code });
