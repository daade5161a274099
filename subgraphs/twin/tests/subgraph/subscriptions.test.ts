import { GATEWAY_IDENTITY_HEADER } from '@bst/identity';
import { type SubscriberCount, subscriberCount } from '@bst/testing';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MINUTE, reading, startTwinFixture, type TwinFixture } from './support.ts';

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
      connectionParams: { [GATEWAY_IDENTITY_HEADER]: twin.identity('viewer') },
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
});
