import { join } from 'node:path';
import type { StorageProfile } from '@bst/coldchain';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { type CoreSubgraph, startCoreSubgraph } from '@bst/core';
import { createGateway, type Gateway, signToken } from '@bst/gateway';
import type { Role } from '@bst/identity';
import {
  connectMqttDevice,
  createTestDatabase,
  services,
  type TestDatabase,
  uniqueName,
  uniqueTopicPrefix,
} from '@bst/testing';
import {
  type ArchiveDatabase,
  ArchiveRepository,
  type Archiver,
  type Bridge,
  coreCatalogSource,
  createRedisTwinStore,
  openArchiveDatabase,
  startArchiver,
  startBridge,
  startTwinSubgraph,
  type TwinStore,
  type TwinSubgraph,
} from '@bst/twin';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const secret = 'very-late-test-secret';
const jwtSecret = 'very-late-test-jwt';
const supergraphPath = join(import.meta.dirname, '../../schema/supergraph.graphql');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

interface LateEvent {
  alertEvents: {
    transition: string;
    late: boolean;
    alert: {
      id: string;
      kind: string;
      startedAt: string;
      endedAt: string | null;
      container: { code: string; label: string };
    };
  };
}

/**
 * Issue 9's very late stretch over real MQTT, end to end: core, the twin over Redis with a three-hour hot window, the
 * archive in core's Postgres (its own schema) fed by an archiver, the bridge with the archive, the gateway, and a
 * graphql-ws subscriber.
 */
describe('a stretch of readings older than the reorder horizon, over real MQTT', () => {
  let database: TestDatabase;
  let core: CoreSubgraph;
  let store: TwinStore;
  let archiveDatabase: ArchiveDatabase;
  let archive: ArchiveRepository;
  let archiver: Archiver;
  let twin: TwinSubgraph;
  let gateway: Gateway;
  let bridge: Bridge;
  let device: MqttClient;
  const topicPrefix = uniqueTopicPrefix('very_late');
  const bridgeClientId = uniqueName('late_bridge');
  const profile: StorageProfile = refrigeratedProfile({ name: 'Very late fridge' });

  async function post<T>(query: string, variables: Record<string, unknown> = {}, role: Role = 'admin') {
    const token = await signToken(jwtSecret, { subject: `gw-${role}`, roles: [role] });
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer<T>;
  }

  const publish = (code: string, payload: unknown) =>
    device.publishAsync(`${topicPrefix}/telemetry/box/${code}`, JSON.stringify(payload), { qos: 1 });

  async function until(what: string, condition: () => Promise<boolean>, ms = 20_000) {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Publishes the readings in order, then waits until the store holds them and the archive has them all. */
  async function feed(code: string, minutes: number[], base: number, temperature: (m: number) => number) {
    for (const m of minutes) await publish(code, { temperature: temperature(m), timestamp: iso(base + m * MINUTE) });
    await until(`${code} stored`, async () => {
      const stats = await store.ingestStats();
      return stats.accepted >= accepted + minutes.length;
    });
    accepted += minutes.length;
    await until('the archive to catch up', async () => (await store.outbox.lag()).unacknowledged === 0);
  }
  let accepted = 0;

  function subscribe(code: string) {
    const received: LateEvent[] = [];
    const errors: unknown[] = [];
    return signToken(jwtSecret, { subject: 'gw-viewer', roles: ['viewer'] }).then((token) => {
      const client = createClient({
        url: gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${token}` },
      });
      const stop = client.subscribe(
        {
          query: `subscription { alertEvents(filter: { containerCodes: ["${code}"], kinds: [TEMPERATURE_HIGH] }) {
            transition late alert { id kind startedAt endedAt container { code label } }
          } }`,
        },
        {
          next: (event) => received.push(event.data as unknown as LateEvent),
          error: (error) => errors.push(error),
          complete: () => {},
        },
      );
      return {
        received,
        errors,
        async close() {
          stop();
          await client.dispose();
        },
      };
    });
  }

  async function upstreamSubscribed() {
    const redis = new Redis(services.redisUrl);
    try {
      await until('the gateway to subscribe upstream', async () => {
        const [, count] = (await redis.pubsub('NUMSUB', store.channels.alertEvents)) as [string, number];
        return Number(count) > 0;
      });
    } finally {
      redis.disconnect();
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase('very_late');
    core = await startCoreSubgraph({ databaseUrl: database.url, gatewaySecret: secret });
    // The archive lives beside core's tables in the same Postgres, in its own schema.
    archiveDatabase = await openArchiveDatabase({ url: database.url, max: 4 });
    archive = new ArchiveRepository(archiveDatabase, { retentionMs: 10 * 365 * 24 * HOUR });
    store = createRedisTwinStore({
      redis: services.redisUrl,
      prefix: uniqueName('very_late'),
      retention: { maxAgeMs: 3 * HOUR },
    });
    twin = await startTwinSubgraph({
      store,
      archive,
      gatewaySecret: secret,
      catalogSource: coreCatalogSource({ url: core.url, secret }),
    });
    gateway = await createGateway({
      supergraphPath,
      port: 0,
      host: '127.0.0.1',
      subgraphUrls: { core: core.url, twin: twin.url },
      auth: { mode: 'jwt', jwtSecret },
      sharedSecret: secret,
    });
    bridge = await startBridge({
      mqttUrl: services.mqttUrl,
      store,
      archive,
      catalogSource: coreCatalogSource({ url: core.url, secret }),
      topicPrefix,
      clientId: bridgeClientId,
      catalogPollMs: 200,
      // Readings are in the past: a wall-clock scheduler would call the sensors silent.
      schedulerIntervalMs: false,
    });
    archiver = startArchiver({
      store,
      archive,
      profileOf: (entity) => bridge.catalog.current().profileOf(entity),
      consumer: 'e2e-archiver',
      idleMs: 20,
    });
    const { id: _, ...input } = profile;
    const created = await post<{ createStorageProfile: { id: string } }>(
      'mutation ($input: StorageProfileInput!) { createStorageProfile(input: $input) { id } }',
      { input },
    );
    for (const code of ['BOX-LATE-HOT', 'BOX-LATE-OLD']) {
      const box = await post('mutation ($input: CreateContainerInput!) { createContainer(input: $input) { code } }', {
        input: { code, kind: 'BOX', label: `Late ${code}`, storageProfileId: created.data!.createStorageProfile.id },
      });
      expect(box.errors).toBeUndefined();
    }
    await until('the bridge to learn the containers', async () => {
      await bridge.catalog.refresh();
      return bridge.catalog.current().profileOf({ entityType: 'CONTAINER', code: 'BOX-LATE-OLD' }) !== null;
    });
    device = await connectMqttDevice();
  }, 60_000);

  afterAll(async () => {
    await device?.endAsync();
    await bridge?.stop();
    const cleaner = await connectMqttDevice({ clientId: bridgeClientId, clean: true });
    await cleaner.endAsync();
    await archiver?.stop();
    await gateway?.stop();
    await twin?.stop();
    await core?.stop();
    await store?.clear();
    await store?.close();
    await archiveDatabase?.close();
    await database?.drop();
  });

  it('raises one alert from the stretch, starting at its first hot reading, marked late, to a subscriber with core fields', async () => {
    const base = Math.floor((Date.now() - 6 * HOUR) / MINUTE) * MINUTE;
    const inRange = [...Array(170).keys()].filter((m) => m < 40 || m >= 60);
    await feed('BOX-LATE-HOT', inRange, base, () => 5);
    const subscriber = await subscribe('BOX-LATE-HOT');
    try {
      await upstreamSubscribed();
      // 110 readings back: beyond the 64-reading reorder horizon, inside the three-hour hot window.
      for (let m = 40; m < 60; m++)
        await publish('BOX-LATE-HOT', { temperature: 9, timestamp: iso(base + m * MINUTE) });
      await until('the late events', async () =>
        subscriber.received.some(
          (e) => e.alertEvents.transition === 'UPDATED' && e.alertEvents.alert.endedAt === iso(base + 60 * MINUTE),
        ),
      );
      expect(subscriber.errors).toEqual([]);
      const first = subscriber.received[0]!.alertEvents;
      expect(first).toMatchObject({
        transition: 'RAISED',
        late: true,
        alert: {
          kind: 'TEMPERATURE_HIGH',
          startedAt: iso(base + 40 * MINUTE),
          container: { code: 'BOX-LATE-HOT', label: 'Late BOX-LATE-HOT' },
        },
      });
      expect(subscriber.received.every((e) => e.alertEvents.late)).toBe(true);
      expect(new Set(subscriber.received.map((e) => e.alertEvents.alert.id)).size).toBe(1);
    } finally {
      await subscriber.close();
    }
    // Compliance reads the archive's records, which trail the store by the outbox lag.
    await until('the archive to catch up', async () => (await store.outbox.lag()).unacknowledged === 0);
    const { data } = await post<{ container: { alerts: unknown[]; compliance: { excursions: unknown[] } } }>(
      `query ($since: DateTime, $until: DateTime) { container(code: "BOX-LATE-HOT") {
        alerts { kind state startedAt endedAt }
        compliance(since: $since, until: $until) { excursions { kind startedAt endedAt } }
      } }`,
      { since: iso(base), until: iso(base + 170 * MINUTE) },
    );
    const alert = { kind: 'TEMPERATURE_HIGH', startedAt: iso(base + 40 * MINUTE), endedAt: iso(base + 60 * MINUTE) };
    expect(data?.container.alerts).toEqual([{ ...alert, state: 'CLEARED_UNACKNOWLEDGED' }]);
    // Compliance excursions equal the alert records.
    expect(data?.container.compliance.excursions).toEqual([alert]);
  });

  it('replays a stretch older than the hot window from the archive', async () => {
    const base = Math.floor((Date.now() - 12 * HOUR) / MINUTE) * MINUTE;
    const inRange = [...Array(480).keys()].filter((m) => m < 100 || m >= 120);
    await feed('BOX-LATE-OLD', inRange, base, () => 5);
    // Six hours back: Redis no longer holds that time, so the series and the checkpoint come from the archive.
    const box = { entityType: 'CONTAINER' as const, code: 'BOX-LATE-OLD' };
    expect(await store.readings(box, { until: base + 200 * MINUTE })).toEqual([]);
    expect(await store.checkpointBefore(box, base + 100 * MINUTE)).toBeNull();
    await publish(
      'BOX-LATE-OLD',
      Array.from({ length: 20 }, (_, i) => ({ temperature: 10, timestamp: iso(base + (100 + i) * MINUTE) })),
    );
    await until('the replayed alert', async () => {
      const alerts = await store.alerts({ codes: ['BOX-LATE-OLD'], kinds: ['TEMPERATURE_HIGH'] });
      return alerts.length === 1 && alerts[0]!.endedAt === base + 120 * MINUTE;
    });
    const [alert] = await store.alerts({ codes: ['BOX-LATE-OLD'], kinds: ['TEMPERATURE_HIGH'] });
    expect(alert).toMatchObject({ startedAt: base + 100 * MINUTE, endedAt: base + 120 * MINUTE, peakValue: 10 });
    const events = await store.alertEvents(alert!.id);
    expect(events.every((e) => e.late)).toBe(true);
  });
});
