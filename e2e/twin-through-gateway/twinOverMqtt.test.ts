import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compliance, foldAlertEvents, type StorageProfile } from '@bst/coldchain';
import { memoryMonitor, refrigeratedProfile } from '@bst/coldchain/fixtures';
import { type CoreSubgraph, startCoreSubgraph } from '@bst/core';
import { createGateway, type Gateway, signToken } from '@bst/gateway';
import type { Role } from '@bst/identity';
import {
  connectMqttDevice,
  createRedisTestPrefix,
  createTestDatabase,
  services,
  subscriberCount,
  type TestDatabase,
  uniqueName,
  uniqueTopicPrefix,
} from '@bst/testing';
import {
  type Bridge,
  coreCatalogSource,
  createRedisTwinStore,
  startBridge,
  startTwinSubgraph,
  type TwinStore,
  type TwinSubgraph,
} from '@bst/twin';
import { createClient } from 'graphql-ws';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const secret = 'twin-gateway-test-secret';
const jwtSecret = 'twin-gateway-test-jwt';
const supergraphPath = join(import.meta.dirname, '../../schema/supergraph.graphql');
const goldenDir = join(import.meta.dirname, '../../packages/coldchain/tests/golden');
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

interface ReadingStep {
  m: number;
  t: number | null;
  h?: number | null;
}
interface Scenario {
  statement: string;
  profile: string;
  overrides?: Partial<StorageProfile>;
  steps: (ReadingStep | { tick: number })[];
  window: { since: number; until: number };
}

/** Core on a fresh database, the twin over a fresh Redis prefix, the bridge on real Mosquitto, and the gateway. */
describe('the twin through the gateway, fed over real MQTT', () => {
  let database: TestDatabase;
  let core: CoreSubgraph;
  let store: TwinStore;
  let twin: TwinSubgraph;
  let gateway: Gateway;
  let bridge: Bridge;
  let device: MqttClient;
  const topicPrefix = uniqueTopicPrefix('twin_gateway');
  // One Redis, or the cluster of TEST_REDIS_CLUSTER_NODES (the e2e-cluster project).
  const redis = createRedisTestPrefix('twin_gateway');
  const bridgeClientId = uniqueName('bridge');

  async function post<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    role: Role = 'viewer',
  ): Promise<Answer<T>> {
    const token = await signToken(jwtSecret, { subject: `gw-${role}`, roles: [role] });
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer<T>;
  }

  async function createProfile(profile: StorageProfile): Promise<string> {
    const { id: _, ...input } = profile;
    const { data, errors } = await post<{ createStorageProfile: { id: string } }>(
      'mutation ($input: StorageProfileInput!) { createStorageProfile(input: $input) { id } }',
      { input },
      'admin',
    );
    expect(errors).toBeUndefined();
    return data!.createStorageProfile.id;
  }

  async function createContainer(code: string, storageProfileId: string) {
    const { errors } = await post(
      'mutation ($input: CreateContainerInput!) { createContainer(input: $input) { code } }',
      { input: { code, kind: 'BOX', label: `Box ${code}`, storageProfileId } },
      'admin',
    );
    expect(errors).toBeUndefined();
  }

  /** The bridge learns new containers from core's catalog; wait until it knows them all. */
  async function bridgeKnows(codes: string[]) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      await bridge.catalog.refresh();
      const view = bridge.catalog.current();
      if (codes.every((code) => view.profileOf({ entityType: 'CONTAINER', code }))) return;
      if (Date.now() > deadline) throw new Error('the bridge never learned the new containers');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const publish = (code: string, payload: unknown) =>
    device.publishAsync(`${topicPrefix}/telemetry/box/${code}`, JSON.stringify(payload), { qos: 1 });

  beforeAll(async () => {
    database = await createTestDatabase('twin_gateway');
    core = await startCoreSubgraph({ databaseUrl: database.url, gatewaySecret: secret });
    // The golden scenarios span up to 30 days, answered from the store's history: its hot window must hold them.
    store = createRedisTwinStore({
      redis: redis.target,
      prefix: redis.prefix,
      retention: { maxAgeMs: 31 * 24 * 3600_000 },
    });
    twin = await startTwinSubgraph({
      store,
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
      catalogSource: coreCatalogSource({ url: core.url, secret }),
      topicPrefix,
      clientId: bridgeClientId,
      catalogPollMs: 200,
      // Golden times are in the past: a wall-clock scheduler would call every sensor silent at once.
      schedulerIntervalMs: false,
    });
    device = await connectMqttDevice();
  });

  afterAll(async () => {
    await device?.endAsync();
    await bridge?.stop();
    // The bridge keeps a persistent session; a clean connection with its id removes it from the shared broker.
    const cleaner = await connectMqttDevice({ clientId: bridgeClientId, clean: true });
    await cleaner.endAsync();
    await gateway?.stop();
    await twin?.stop();
    await core?.stop();
    await store?.clear();
    await store?.close();
    await database?.drop();
  });

  it('answers container(code) { live alerts } within a second of a device publishing the original topic and JSON', async () => {
    const profileId = await createProfile(refrigeratedProfile({ name: 'E2E strict fridge' }));
    await createContainer('BOX-E2E', profileId);
    await bridgeKnows(['BOX-E2E']);

    const now = Date.now();
    await publish('BOX-E2E', {
      temperature: 4.2,
      humidity: 55,
      timestamp: iso(now - 2 * MINUTE),
      geolocation: '52.5200,13.4050',
      status: 'in_transit',
    });
    await publish('BOX-E2E', { temperature: 9.4, humidity: 56, timestamp: iso(now - MINUTE), status: 'in_transit' });
    const published = Date.now();

    const query = `query ($code: String!) { container(code: $code) {
      code label live { temperatureC humidityPct status } twinStatus alerts { kind state }
    } }`;
    const expected = {
      container: {
        code: 'BOX-E2E',
        label: 'Box BOX-E2E',
        live: { temperatureC: 9.4, humidityPct: 56, status: 'in_transit' },
        twinStatus: 'EXCURSION',
        alerts: [{ kind: 'TEMPERATURE_HIGH', state: 'ACTIVE_UNACKNOWLEDGED' }],
      },
    };
    let answer: Answer<unknown> = {};
    while (Date.now() - published < 1000) {
      answer = await post(query, { code: 'BOX-E2E' });
      if (JSON.stringify(answer.data) === JSON.stringify(expected)) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual(expected);
    expect(Date.now() - published).toBeLessThan(1000);
  });

  it('moves the alert lifecycle through the gateway: FORBIDDEN for a viewer, acknowledged once, then CONFLICT; NOT_FOUND for an unknown id', async () => {
    const { data } = await post<{ alerts: { id: string }[] }>(
      '{ alerts(filter: { containerCodes: ["BOX-E2E"] }) { id } }',
    );
    const id = data!.alerts[0]!.id;
    const acknowledge = `mutation ($id: ID!) { acknowledgeAlert(id: $id, note: "moved to backup fridge") {
      state acknowledgedBy note container { code label }
    } }`;

    const byViewer = await post(acknowledge, { id }, 'viewer');
    expect(byViewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const first = await post(acknowledge, { id }, 'operator');
    expect(first.errors).toBeUndefined();
    expect(first.data).toEqual({
      acknowledgeAlert: {
        state: 'ACTIVE_ACKNOWLEDGED',
        acknowledgedBy: 'gw-operator',
        note: 'moved to backup fridge',
        container: { code: 'BOX-E2E', label: 'Box BOX-E2E' },
      },
    });

    const second = await post(acknowledge, { id }, 'operator');
    expect(second.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const unknown = await post(acknowledge, { id: 'container:BOX-E2E:no-such-alert' }, 'operator');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    await publish('BOX-E2E', { temperature: 5, timestamp: iso(Date.now() - 10_000) });
    const deadline = Date.now() + 3000;
    let state: string | undefined;
    while (state !== 'CLEARED_ACKNOWLEDGED' && Date.now() < deadline) {
      const answer = await post<{ alerts: { state: string }[] }>(
        '{ alerts(filter: { containerCodes: ["BOX-E2E"] }) { state } }',
      );
      state = answer.data?.alerts[0]?.state;
    }
    expect(state).toBe('CLEARED_ACKNOWLEDGED');
  });

  it('streams alert events through the gateway with core fields of the container hydrated by federation', async () => {
    const client = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: {
        authorization: `Bearer ${await signToken(jwtSecret, { subject: 'gw-viewer', roles: ['viewer'] })}`,
      },
    });
    const subscribers = subscriberCount(redis.target);
    const received: unknown[] = [];
    const errors: unknown[] = [];
    const stop = client.subscribe(
      {
        query: `subscription { alertEvents(filter: { containerCodes: ["BOX-E2E"], kinds: [TEMPERATURE_LOW] }) {
          transition alert { kind state container { code label } }
        } }`,
      },
      {
        next: (event) => received.push(event.data ?? event.errors),
        error: (error) => errors.push(error),
        complete: () => {},
      },
    );
    try {
      const deadline = Date.now() + 5000;
      for (;;) {
        if ((await subscribers.of(store.channels.alertEvents)) > 0) break;
        if (Date.now() > deadline || errors.length)
          throw new Error(`no upstream subscription: ${JSON.stringify(errors)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await publish('BOX-E2E', { temperature: -3, timestamp: iso(Date.now() - 5000) });
      while (received.length === 0 && Date.now() < deadline && errors.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(errors).toEqual([]);
      expect(received).toEqual([
        {
          alertEvents: {
            transition: 'RAISED',
            alert: {
              kind: 'TEMPERATURE_LOW',
              state: 'ACTIVE_UNACKNOWLEDGED',
              container: { code: 'BOX-E2E', label: 'Box BOX-E2E' },
            },
          },
        },
      ]);
    } finally {
      stop();
      await client.dispose();
      subscribers.close();
    }
  });

  it('gives the same alerts and compliance as the engine in memory for every golden scenario replayed over MQTT', async () => {
    const profiles = JSON.parse(readFileSync(join(goldenDir, 'profiles.json'), 'utf8')) as Record<
      string,
      StorageProfile
    >;
    const scenarios = readdirSync(goldenDir)
      .filter((f) => f.endsWith('.json') && f !== 'profiles.json')
      .sort()
      .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(goldenDir, f), 'utf8')) as Scenario) }));
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    // Every scenario fits in 30 days; readings must lie in the past, as a device's would.
    const base = Math.floor((Date.now() - 31 * 24 * 60 * MINUTE) / MINUTE) * MINUTE;

    const cases = [];
    for (const [index, scenario] of scenarios.entries()) {
      const profile = { ...profiles[scenario.profile]!, ...scenario.overrides, name: `golden ${scenario.file}` };
      const code = `GOLD-${String(index).padStart(2, '0')}`;
      await createContainer(code, await createProfile(profile));
      // Ticks are time passing, which only a wall-clock scheduler brings; the replay is the readings in arrival order.
      const steps = scenario.steps.filter((s): s is ReadingStep => 'm' in s);
      cases.push({ scenario, profile, code, steps });
    }
    await bridgeKnows(cases.map((c) => c.code));

    for (const { code, steps } of cases) {
      for (const step of steps) {
        await publish(code, {
          temperature: step.t,
          ...(step.h === undefined ? {} : { humidity: step.h }),
          timestamp: iso(base + step.m * MINUTE),
        });
      }
    }
    // Wait for every distinct reading in each history, not for a count of handled messages: a redelivered message
    // is counted again as a duplicate and would end the wait before the last readings are stored.
    const deadline = Date.now() + 20_000;
    for (const { code, steps } of cases) {
      const distinct = new Set(steps.map((s) => s.m)).size;
      while ((await store.readings({ entityType: 'CONTAINER', code })).length < distinct) {
        if (Date.now() > deadline) throw new Error(`the bridge did not store every golden reading of ${code}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    const query = `query ($code: String!, $since: DateTime, $until: DateTime) { container(code: $code) {
      alerts(first: 1000) { kind severity state startedAt endedAt peakValue }
      compliance(since: $since, until: $until) {
        readings inRangePct timeInRangePct excursionMinutes excursionCount unknownMinutes budgetUsedMinutes
        budgetRemainingMinutes minC maxC meanC mktC mktUnavailableReason
        excursions { kind startedAt endedAt peakValue minutes }
      }
    } }`;
    for (const { scenario, profile, code, steps } of cases) {
      // The engine as the bridge runs it: a reading older than the reorder horizon is replayed from the stored series.
      const monitor = memoryMonitor(profile);
      for (const step of steps) {
        monitor.reading({ at: base + step.m * MINUTE, temperatureC: step.t, humidityPct: step.h ?? null });
      }
      const alerts = foldAlertEvents(monitor.events);
      const window = { since: base + scenario.window.since * MINUTE, until: base + scenario.window.until * MINUTE };
      const figures = compliance(
        steps.map((s) => ({ at: base + s.m * MINUTE, temperatureC: s.t, humidityPct: s.h ?? null })),
        profile,
        window,
      );

      const { data, errors } = await post(query, { code, since: iso(window.since), until: iso(window.until) });
      expect(errors, scenario.statement).toBeUndefined();
      expect(data, scenario.statement).toEqual({
        container: {
          alerts: [...alerts.values()]
            .sort((a, b) => b.startedAt - a.startedAt)
            .map((a) => ({
              kind: a.kind,
              severity: a.severity,
              state: a.state,
              startedAt: iso(a.startedAt),
              endedAt: a.endedAt === null ? null : iso(a.endedAt),
              peakValue: a.peakValue,
            })),
          compliance: {
            readings: figures.readings,
            inRangePct: figures.inRangePct,
            timeInRangePct: figures.timeInRangePct,
            excursionMinutes: figures.excursionMinutes,
            excursionCount: figures.excursionCount,
            unknownMinutes: figures.unknownMinutes,
            budgetUsedMinutes: figures.budgetUsedMinutes,
            budgetRemainingMinutes: figures.budgetRemainingMinutes,
            minC: figures.minC,
            maxC: figures.maxC,
            meanC: figures.meanC,
            mktC: figures.mktC,
            mktUnavailableReason: figures.mktUnavailableReason,
            excursions: figures.excursions.map((e) => ({
              kind: e.kind,
              startedAt: iso(e.startedAt),
              endedAt: e.endedAt === null ? null : iso(e.endedAt),
              peakValue: e.peakValue,
              minutes: e.minutes,
            })),
          },
        },
      });
    }
  });
});
