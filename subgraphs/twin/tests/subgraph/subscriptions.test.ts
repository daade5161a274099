import { GATEWAY_IDENTITY_HEADER, sealIdentity } from '@bst/identity';
import { type SubscriberCount, subscriberCount } from '@bst/testing';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { MINUTE, reading, secret, startTwinFixture, type TwinFixture } from './support.ts';

interface Received<T> {
  events: T[];
  errors: unknown[];
  /** Resolves once `count` events have arrived (or rejects after `timeoutMs`). */
  until(count: number, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

function subscribe<T>(client: Client, query: string, variables: Record<string, unknown> = {}): Received<T> {
  const events: T[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(result.errors);
        if (result.data) events.push(result.data as T);
      },
      error: (error) => errors.push(error),
      complete: () => {},
    },
  );
  return {
    events,
    errors,
    stop,
    async until(count, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && errors.length === 0) {
        if (Date.now() > deadline) throw new Error(`got ${events.length} of ${count} events`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (errors.length) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
      return events;
    },
  };
}

describe('subscriptions served by the twin subgraph over graphql-ws', () => {
  let twin: TwinFixture;
  let client: Client;
  let subscribers: SubscriberCount;

  /** The subgraph subscribes to the store's channel before its first event; waiting for it makes the test deterministic. */
  async function subscribedTo(channel: string) {
    const deadline = Date.now() + 3000;
    for (;;) {
      if ((await subscribers.of(channel)) > 0) return;
      if (Date.now() > deadline) throw new Error(`nobody subscribed to ${channel}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    twin = await startTwinFixture({ container: ['BOX-SUB', 'BOX-OTHER'] });
    subscribers = subscriberCount(twin.target);
    client = createClient({
      url: twin.subgraph.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: async () => ({ [GATEWAY_IDENTITY_HEADER]: await twin.identity('viewer') }),
    });
  });
  afterAll(async () => {
    await client?.dispose();
    subscribers?.close();
    await twin?.stop();
  });

  it('delivers RAISED then ACKNOWLEDGED for the filtered container, with the alert as an entity reference', async () => {
    const received = subscribe<{ alertEvents: Record<string, unknown> }>(
      client,
      `subscription ($filter: AlertFilter) {
        alertEvents(filter: $filter) { transition by alert { id kind state container { code } acknowledgedBy } }
      }`,
      { filter: { containerCodes: ['BOX-SUB'] } },
    );
    await subscribedTo(twin.store.channels.alertEvents);
    const start = Date.now() - 5 * MINUTE;
    await twin.publish('bio_supply/telemetry/box/BOX-OTHER', reading(start, 20));
    await twin.publish('bio_supply/telemetry/box/BOX-SUB', reading(start, 4));
    await twin.publish('bio_supply/telemetry/box/BOX-SUB', reading(start + MINUTE, 11));
    const [raised] = await received.until(1);
    const id = (raised!.alertEvents.alert as { id: string }).id;
    const ack = await twin.query('mutation ($id: ID!) { acknowledgeAlert(id: $id) { state } }', { id }, 'operator');
    expect(ack.errors).toBeUndefined();

    const events = await received.until(2);
    received.stop();
    expect(events.map((e) => e.alertEvents)).toEqual([
      {
        transition: 'RAISED',
        by: null,
        alert: {
          id,
          kind: 'TEMPERATURE_HIGH',
          state: 'ACTIVE_UNACKNOWLEDGED',
          container: { code: 'BOX-SUB' },
          acknowledgedBy: null,
        },
      },
      {
        transition: 'ACKNOWLEDGED',
        by: 'test-operator',
        alert: {
          id,
          kind: 'TEMPERATURE_HIGH',
          state: 'ACTIVE_ACKNOWLEDGED',
          container: { code: 'BOX-SUB' },
          acknowledgedBy: 'test-operator',
        },
      },
    ]);
  });

  it('streams the live state of the asked containers only', async () => {
    const received = subscribe<{ liveState: unknown }>(
      client,
      `subscription { liveState(containerCodes: ["BOX-SUB"]) { containerCode live { temperatureC humidityPct stale } } }`,
    );
    await subscribedTo(twin.store.channels.liveState);
    await twin.publish('bio_supply/telemetry/box/BOX-OTHER', reading(Date.now() - 30_000, 21));
    await twin.publish('bio_supply/telemetry/box/BOX-SUB', reading(Date.now() - 20_000, 5.5, { humidity: 41 }));
    const events = await received.until(1);
    received.stop();
    expect(events).toEqual([
      { liveState: { containerCode: 'BOX-SUB', live: { temperatureC: 5.5, humidityPct: 41, stale: false } } },
    ]);
  });

  it('refuses a connection without a sealed identity', async () => {
    const anonymous = createClient({
      url: twin.subgraph.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const received = subscribe(anonymous, 'subscription { liveState(containerCodes: ["BOX-SUB"]) { containerCode } }');
    const deadline = Date.now() + 3000;
    while (received.errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await anonymous.dispose();
    expect((received.errors[0] as { code?: number } | undefined)?.code).toBe(4403);
  });

  it('reads an alert once per published event, however many subscriptions the event reaches', async () => {
    const query = `subscription ($filter: AlertFilter) { alertEvents(filter: $filter) { transition alert { id } } }`;
    const subscriptions = Array.from({ length: 40 }, (_, i) =>
      subscribe<{ alertEvents: { transition: string } }>(client, query, {
        // Distinct filters: 40 subscriptions a shared upstream could not fold into one.
        filter: { containerCodes: ['BOX-OTHER', `BOX-NONE-${i}`] },
      }),
    );
    // Each subscription's latest event has this transition (earlier tests may have left events before).
    const heard = (transition: string) =>
      expect
        .poll(() => subscriptions.every((s) => s.events.at(-1)?.alertEvents.transition === transition), {
          timeout: 5000,
        })
        .toBe(true);
    await subscribedTo(twin.store.channels.alertEvents);
    const start = Date.now() - 20_000;
    // Every subscription hears a first event before counting starts, so none is still on its way in.
    await twin.publish('bio_supply/telemetry/box/BOX-OTHER', reading(start, 5));
    await twin.publish('bio_supply/telemetry/box/BOX-OTHER', reading(start + 10_000, 12));
    await heard('RAISED');
    const reads = vi.spyOn(twin.store, 'alertEvents');
    try {
      await twin.publish('bio_supply/telemetry/box/BOX-OTHER', reading(start + 20_000, 5));
      await heard('CLEARED');
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
      for (const s of subscriptions) s.stop();
    }
  });

  it('closes a socket whose message exceeds the payload limit (1009) before parsing it', async () => {
    const socket = new WebSocket(twin.subgraph.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(300 * 1024) } }));
    expect(await closed).toBe(1009);
  });

  it('refuses a sealed identity replayed after its window (4403)', async () => {
    const old = await sealIdentity({ subject: 'ana', roles: ['admin'] }, secret, Date.now() - 3600_000);
    const replayed = createClient({
      url: twin.subgraph.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { [GATEWAY_IDENTITY_HEADER]: old },
    });
    const received = subscribe(replayed, 'subscription { liveState(containerCodes: ["BOX-SUB"]) { containerCode } }');
    await expect.poll(() => received.errors.length).toBe(1);
    await replayed.dispose();
    expect((received.errors[0] as { code?: number } | undefined)?.code).toBe(4403);
  });

  it('answers a subscriber without a role with FORBIDDEN on its subscription', async () => {
    const nobody = createClient({
      url: twin.subgraph.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: async () => ({
        [GATEWAY_IDENTITY_HEADER]: await sealIdentity({ subject: 'nobody', roles: [] }, secret),
      }),
    });
    const received = subscribe(nobody, 'subscription { liveState(containerCodes: ["BOX-SUB"]) { containerCode } }');
    await expect.poll(() => received.errors.length).toBe(1);
    await nobody.dispose();
    expect(JSON.stringify(received.errors[0])).toContain('FORBIDDEN');
  });
});
