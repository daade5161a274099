// Acceptance 1 of issue 11: a graphql-ws client and an SSE client go away, alert transitions happen, they come back
// with their cursors and get exactly what they missed, in order, then live ones. The e2e test runs it short, the
// bench long (30 s away).
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { alertStorm, stormContainers } from './alertStorm.ts';
import { openSseStream } from './sseStream.ts';
import type { AlertStack } from './startAlertStack.ts';

// The WebSocket client selects the cursor; the SSE one does not (the gateway adds it for the event ids).
const overWebSocket = `subscription Resume($filter: AlertFilter, $after: String) {
  alertEvents(filter: $filter, after: $after) { cursor transition alert { id container { code label } } }
}`;
const overSse = `subscription Resume($filter: AlertFilter) {
  alertEvents(filter: $filter) { transition alert { id container { code label } } }
}`;

interface Received {
  transition: string;
  alert: { id: string; container: { code: string; label: string | null } };
}

export interface ClientOutcome {
  /** Events after reconnecting, replayed and live. */
  received: number;
  /** The replayed part equals what the store holds after the client's cursor, event for event, in order. */
  replayInOrder: boolean;
  /** Events received twice (same alert and transition at the same place twice, or the same cursor twice). */
  duplicates: number;
  /** The live events after the replay arrived, each once. */
  liveReceived: number;
  /** Core's field (the container's label) was there on every event: hydrated through federation. */
  hydrated: boolean;
  /** Time from reconnecting to the last missed event. */
  replayMs: number;
}

export interface ResumeOutcome {
  transitions: number;
  disconnectMs: number;
  webSocket: ClientOutcome;
  sse: ClientOutcome;
}

async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const key = (e: { transition: string; alert: { id: string } }) => `${e.alert.id} ${e.transition}`;

function judge(
  events: { received: Received; cursor?: string | undefined }[],
  expected: string[],
  live: string[],
  replayMs: number,
): ClientOutcome {
  const keys = events.map((e) => key(e.received));
  const cursors = events.map((e) => e.cursor).filter((c): c is string => c !== undefined);
  const replay = keys.slice(0, expected.length);
  return {
    received: events.length,
    replayInOrder: replay.length === expected.length && replay.every((k, i) => k === expected[i]),
    duplicates: keys.length - new Set(keys).size + (cursors.length - new Set(cursors).size),
    liveReceived: keys.slice(expected.length).filter((k) => live.includes(k)).length,
    hydrated: events.every((e) => e.received.alert.container.label === `Storm box ${e.received.alert.container.code}`),
    replayMs,
  };
}

export async function resumeAfterDisconnect(
  stack: AlertStack,
  { transitions = 200, containers = 20, disconnectMs = 1000 } = {},
): Promise<ResumeOutcome> {
  const codes = await stormContainers(stack, containers, `RES${Date.now().toString(36).slice(-4).toUpperCase()}`);
  const storm = alertStorm(stack, codes);
  const variables = { filter: { containerCodes: codes } };
  const filter = { entityType: 'CONTAINER' as const, codes };
  // Both start from a cursor taken now, so neither can miss the warm-up while its subscription is on its way.
  const start = await stack.store.alertStreamCursor();

  const wsEvents: { received: Received; cursor: string }[] = [];
  const connect = () =>
    createClient({
      url: stack.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${stack.token}` },
      retryAttempts: 0,
    });
  const subscribe = (client: ReturnType<typeof connect>, after: string) =>
    client.subscribe(
      { query: overWebSocket, variables: { ...variables, after } },
      {
        next: (result) => {
          const event = (result.data as { alertEvents?: Received & { cursor: string } } | undefined)?.alertEvents;
          if (event) wsEvents.push({ received: event, cursor: event.cursor });
          else throw new Error(`WebSocket subscription failed: ${JSON.stringify(result.errors)}`);
        },
        error: (error) => console.error('WebSocket subscription error', error),
        complete: () => {},
      },
    );
  let wsClient = connect();
  subscribe(wsClient, start);
  let sse = await openSseStream(stack.gatewayUrl, stack.token, { query: overSse, variables }, start);

  // Warm-up: one excursion of the first container, RAISED and CLEARED, on both.
  await storm.of(codes[0] as string);
  await storm.of(codes[0] as string);
  await until(() => wsEvents.length === 2 && sse.events.length === 2, 'the warm-up events on both clients', 20_000);
  const wsCursor = wsEvents.at(-1)?.cursor as string;
  const sseId = sse.events.at(-1)?.id as string;
  if (!sseId) throw new Error('an SSE event came without an id');

  // Both go away; the transitions happen while they are gone.
  await wsClient.dispose();
  await sse.close();
  const awayAt = Date.now();
  await storm.burst(transitions);
  const expectedAfter = async (cursor: string) => {
    const keys: string[] = [];
    let page = await stack.store.alertEventsAfter(cursor, filter, 1000);
    for (;;) {
      keys.push(...page.events.map((e) => `${e.event.alertId} ${e.event.transition}`));
      if (!page.more) return keys;
      page = await stack.store.alertEventsAfter(page.cursor, filter, 1000);
    }
  };
  const storedBy = Date.now() + 60_000;
  let expected = await expectedAfter(wsCursor);
  while (expected.length < transitions) {
    if (Date.now() > storedBy) throw new Error(`the store holds ${expected.length} of ${transitions} transitions`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expected = await expectedAfter(wsCursor);
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, disconnectMs - (Date.now() - awayAt))));

  // Back, each with its last cursor: the WebSocket client as `after`, the SSE one as Last-Event-ID.
  wsEvents.length = 0;
  const awayMs = Date.now() - awayAt;
  const backAt = performance.now();
  wsClient = connect();
  subscribe(wsClient, wsCursor);
  sse = await openSseStream(stack.gatewayUrl, stack.token, { query: overSse, variables }, sseId);
  const sseEvents = () =>
    sse.events.map((e) => ({ received: (e.data.data as { alertEvents: Received }).alertEvents, cursor: e.id }));
  let wsReplayMs = 0;
  let sseReplayMs = 0;
  await until(
    () => {
      if (!wsReplayMs && wsEvents.length >= transitions) wsReplayMs = performance.now() - backAt;
      if (!sseReplayMs && sse.events.length >= transitions) sseReplayMs = performance.now() - backAt;
      return wsReplayMs > 0 && sseReplayMs > 0;
    },
    `the ${transitions} missed transitions on both clients`,
    60_000,
  );

  // Then live: the next excursion of one container.
  const liveCode = codes[1] as string;
  await storm.of(liveCode);
  await storm.of(liveCode);
  await until(
    () => wsEvents.length >= transitions + 2 && sse.events.length >= transitions + 2,
    'the live events on both clients',
    20_000,
  );
  // Anything more arriving now would be a duplicate.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const live = (await expectedAfter(wsCursor)).slice(transitions);
  const outcome = {
    transitions,
    disconnectMs: awayMs,
    webSocket: judge(wsEvents, expected, live, wsReplayMs),
    sse: judge(sseEvents(), expected, live, sseReplayMs),
  };
  await wsClient.dispose();
  await sse.close();
  return outcome;
}
