import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClient, waitFor } from './fixtures/gatewayClient.ts';
import { readEvents } from './fixtures/readEvents.ts';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';
import { startSubgraph } from './fixtures/startSubgraph.ts';

const shelfEvents = `subscription Events($codes: [String!], $after: String) {
  shelfEvents(codes: $codes, after: $after) { cursor temperatureC shelf { label } }
}`;

interface ShelfEventResult {
  shelfEvents: { cursor: string; temperatureC: number; shelf: { label: string } };
}

const cursorOf = (result: { data?: Record<string, unknown> | null } | undefined) =>
  (result?.data as ShelfEventResult | undefined)?.shelfEvents.cursor as string;

const temperatures = (results: { data?: Record<string, unknown> | null }[]) =>
  results.map((r) => (r.data as ShelfEventResult | undefined)?.shelfEvents.temperatureC);

async function counter(platform: ShelfPlatform, name: 'upstreamSubscriptions'): Promise<number>;
async function counter(
  platform: ShelfPlatform,
  name: 'subscriptionResumes',
  from: 'gateway' | 'subgraph',
): Promise<number>;
async function counter(platform: ShelfPlatform, name: 'upstreamSubscriptions' | 'subscriptionResumes', from?: string) {
  const { values } = await platform.gateway.metrics[name].get();
  return values.find((v) => from === undefined || v.labels.from === from)?.value ?? 0;
}

describe('resumable subscriptions: a field with `after` and `cursor` replays what a client missed, then goes live', () => {
  let platform: ShelfPlatform;
  const clients: ReturnType<typeof gatewayClient>[] = [];
  const client = async () => {
    const c = gatewayClient(platform.gateway.url, await platform.token('viewer'));
    clients.push(c);
    return c;
  };
  const publish = (...values: number[]) => {
    for (const temperatureC of values) platform.graph.events.append({ code: 'SHELF-1', temperatureC });
  };
  beforeAll(async () => {
    platform = await startShelfPlatform({ subscriptions: { retry: { initialDelayMs: 50, maxDelayMs: 200 } } });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await waitFor(() => platform.graph.events.subscribers() === 0, 'upstream subscriptions to close');
  });
  afterAll(() => platform?.stop());

  it('a WebSocket client resuming after its cursor gets exactly the events it missed, in order, then live ones', async () => {
    const first = (await client()).subscribe(shelfEvents);
    await waitFor(() => platform.graph.events.subscribers() === 1, 'the upstream');
    publish(1, 2, 3);
    await waitFor(() => first.results.length === 3, 'three events');
    const cursor = cursorOf(first.results[2]);
    first.stop();
    publish(4, 5, 6);
    const resumed = (await client()).subscribe(shelfEvents, { after: cursor });
    await waitFor(() => resumed.results.length === 3, 'the three missed');
    publish(7);
    await waitFor(() => resumed.results.length === 4, 'the live one');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(temperatures(resumed.results)).toEqual([4, 5, 6, 7]);
    expect(resumed.results[0]?.data).toEqual({
      shelfEvents: { cursor: String(Number(cursor) + 1), temperatureC: 4, shelf: { label: 'Top shelf' } },
    });
  });

  it('takes `after` as a literal argument too; a client replaying from the subgraph shares the live upstream once caught up', async () => {
    const live = (await client()).subscribe(shelfEvents);
    await waitFor(() => platform.graph.events.subscribers() === 1, 'the live upstream');
    const from = platform.graph.events.entries().length;
    publish(10, 11);
    await waitFor(() => live.results.length === 2, 'two events');
    const followsBefore = platform.graph.events.follows.length;
    // The same operation with the resume point written in: clients of both share what they can.
    const late = (await client()).subscribe(
      shelfEvents.replace(', $after: String', '').replace('after: $after', `after: "${from - 1}"`),
    );
    await waitFor(() => late.results.length === 3, 'the replay');
    // Its replay came from the subgraph, on an upstream of its own; once it reached a cursor the live upstream had
    // handed out, its client moved there and its upstream closed.
    expect(platform.graph.events.follows.slice(followsBefore)).toEqual([String(from - 1)]);
    await waitFor(() => platform.graph.events.subscribers() === 1, 'one upstream again');
    expect(await counter(platform, 'upstreamSubscriptions')).toBe(1);
    publish(12);
    await waitFor(() => live.results.length === 3 && late.results.length === 4, 'the next live event on both');
    publish(13);
    await waitFor(() => live.results.length === 4 && late.results.length === 5, 'the event after the merge');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(temperatures(live.results)).toEqual([10, 11, 12, 13]);
    expect(temperatures(late.results)).toEqual([
      platform.graph.events.entries()[from - 1]?.value.temperatureC,
      10,
      11,
      12,
      13,
    ]);
  });

  it('a client resuming from a cursor the gateway still holds joins the shared upstream: the subgraph is not asked', async () => {
    const live = (await client()).subscribe(shelfEvents);
    await waitFor(() => platform.graph.events.subscribers() === 1, 'the live upstream');
    publish(20, 21, 22);
    await waitFor(() => live.results.length === 3, 'three events');
    const cursor = cursorOf(live.results[0]);
    const followsBefore = platform.graph.events.follows.length;
    const fromGateway = await counter(platform, 'subscriptionResumes', 'gateway');
    const rejoined = (await client()).subscribe(shelfEvents, { after: cursor });
    await waitFor(() => rejoined.results.length === 2, 'the two after its cursor');
    publish(23);
    await waitFor(() => rejoined.results.length === 3 && live.results.length === 4, 'the live event');
    expect(temperatures(rejoined.results)).toEqual([21, 22, 23]);
    expect(platform.graph.events.follows.length).toBe(followsBefore);
    expect(await counter(platform, 'subscriptionResumes', 'gateway')).toBe(fromGateway + 1);
    expect(platform.graph.events.subscribers()).toBe(1);
  });

  it('refuses a cursor the subgraph no longer covers (CURSOR_EXPIRED) and one that is not a string (BAD_USER_INPUT)', async () => {
    publish(30, 31, 32);
    platform.graph.events.trimThrough(String(platform.graph.events.entries().length - 1));
    const c = await client();
    const expired = c.subscribe(shelfEvents, { after: '1' });
    await waitFor(() => expired.completed, 'the refusal');
    expect(expired.results).toEqual([
      {
        data: null,
        errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'CURSOR_EXPIRED' }) })],
      },
    ]);
    const wrongType = c.subscribe(shelfEvents, { after: 42 });
    await waitFor(() => wrongType.failures.length === 1, 'the refusal');
    expect(wrongType.failures[0]).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }) }),
    ]);
  });

  it('over SSE each event carries its cursor as id, and Last-Event-ID resumes after it', async () => {
    const token = await platform.token('viewer');
    const open = (lastEventId?: string) =>
      fetch(platform.gateway.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: `Bearer ${token}`,
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
        // The client does not select the cursor: the gateway selects it for the ids, and leaves it out of the data.
        body: JSON.stringify({ query: 'subscription { shelfEvents { temperatureC } }' }),
      });
    const first = readEvents((await open()).body as ReadableStream<Uint8Array>);
    await waitFor(() => platform.graph.events.subscribers() === 1, 'the upstream');
    publish(40, 41);
    await waitFor(() => first.events.length === 2, 'two events');
    expect(first.events.map((e) => e.data)).toEqual([
      { data: { shelfEvents: { temperatureC: 40 } } },
      { data: { shelfEvents: { temperatureC: 41 } } },
    ]);
    const lastId = first.events[1]?.id;
    expect(lastId).toBe(String(platform.graph.events.entries().length));
    await first.cancel();
    await waitFor(() => platform.graph.events.subscribers() === 0, 'the upstream to close');
    publish(42, 43);
    const resumed = readEvents((await open(lastId)).body as ReadableStream<Uint8Array>);
    await waitFor(() => resumed.events.length === 2, 'the two missed');
    publish(44);
    await waitFor(() => resumed.events.length === 3, 'the live one');
    expect(resumed.events.map((e) => (e.data as { data: ShelfEventResult }).data.shelfEvents.temperatureC)).toEqual([
      42, 43, 44,
    ]);
    expect(resumed.events.map((e) => Number(e.id))).toEqual([1, 2, 3].map((i) => Number(lastId) + i));
    await resumed.cancel();
  });
});

describe('an upstream of a resumable field that loses its subgraph', () => {
  it('re-subscribes after the last cursor it got: the client misses nothing and gets nothing twice', async () => {
    const platform = await startShelfPlatform({ subscriptions: { retry: { initialDelayMs: 50, maxDelayMs: 200 } } });
    const c = gatewayClient(platform.gateway.url, await platform.token('viewer'));
    try {
      const subscription = c.subscribe(shelfEvents);
      await waitFor(() => platform.graph.events.subscribers() === 1, 'the upstream');
      for (const t of [1, 2]) platform.graph.events.append({ code: 'SHELF-1', temperatureC: t });
      await waitFor(() => subscription.results.length === 2, 'two events');
      await platform.gauges.stop();
      await waitFor(() => platform.graph.events.subscribers() === 0, 'the subgraph to drop its subscription');
      // Written while the subgraph is down: a subscription from "now" would never see them.
      for (const t of [3, 4]) platform.graph.events.append({ code: 'SHELF-1', temperatureC: t });
      platform.gauges = await startSubgraph(platform.graph.gaugesSubgraph, platform.gauges.port);
      await waitFor(() => platform.graph.events.subscribers() === 1, 'the gateway to re-subscribe', 10_000);
      expect(platform.graph.events.follows.at(-1)).toBe('2');
      platform.graph.events.append({ code: 'SHELF-1', temperatureC: 5 });
      await waitFor(() => subscription.results.length === 5, 'the missed and the new events');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(temperatures(subscription.results)).toEqual([1, 2, 3, 4, 5]);
      expect(subscription.failures).toEqual([]);
    } finally {
      await c.dispose();
      await platform.stop();
    }
  });
});
