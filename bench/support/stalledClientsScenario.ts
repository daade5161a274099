// Acceptance 2 of issue 11: stalled clients (WebSocket and SSE) among healthy ones under a steady alert storm. The
// healthy ones get every event; the stalled ones are dropped (4008 / a SLOW_CONSUMER event) and the gateway's memory
// stays where it was with the healthy ones only. The e2e test runs it small and short, the bench at full size.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { alertStorm, stormContainers } from './alertStorm.ts';
import type { InspectedProcess } from './inspectProcess.ts';
import { openSseStream, type SseStream } from './sseStream.ts';
import type { AlertStack } from './startAlertStack.ts';

// WebSocket clients pass `after`; SSE ones send Last-Event-ID with the same operation less `after`: one upstream.
const healthyQuery = `subscription Storm($filter: AlertFilter, $after: String) {
  alertEvents(filter: $filter, after: $after) { cursor transition at alert { id kind severity state container { code } } }
}`;
const healthySseQuery = healthyQuery.replace(', $after: String', '').replace(', after: $after', '');

/** A heavy selection (every alert field thirty times over): a client that stops reading fills its socket sooner. */
const heavyQuery = `subscription HeavyStorm($filter: AlertFilter) {
  alertEvents(filter: $filter) { cursor ${Array.from(
    { length: 30 },
    (_, i) => `a${i}: alert { id kind severity state message startedAt endedAt peakValue container { code } }`,
  ).join(' ')} }
}`;

export interface StalledClientsOptions {
  healthyWebSockets: number;
  healthySse: number;
  stalledWebSockets: number;
  stalledSse: number;
  /** Alert transitions per second, all run long. */
  perSecond: number;
  /** With the healthy clients only: the baseline of the gateway's memory. */
  baselineSeconds: number;
  /** With the stalled clients too. */
  stalledSeconds: number;
  containers: number;
  /** Stalled clients subscribe the heavy selection (they stall sooner) or the healthy one (they share its upstream). */
  stalledSelection: 'heavy' | 'same';
  /** The gateway's inspector: its heap is then also read after a full GC (what it retains, not what it has yet to free). */
  inspector?: InspectedProcess;
}

export interface StalledClientsOutcome {
  transitions: number;
  /** Per healthy client: events received, and whether they are the store's, each once, each alert's in order. */
  healthy: { transport: 'ws' | 'sse'; received: number; complete: boolean }[];
  /** Counted by the gateway: clients it disconnected as slow consumers, per transport. */
  slowConsumers: { ws: number; sse: number };
  /** Client subscriptions still open at the end (the healthy ones only, when every stalled one was dropped). */
  openSubscriptionsAtEnd: number;
  /** Gateway resident memory: median of the second half of the baseline, and the highest seen with stalled clients. */
  rssMb: { baseline: number; maxWithStalled: number; end: number };
  rssGrowth: number;
  /** Every 5 s, baseline then stalled phase (MB). */
  rssSeriesMb: number[];
  /**
   * With an inspector, the V8 heap after a full GC: at the end of the baseline, the highest of the reads every 3 s
   * with stalled clients, and at the end (MB); `heapGrowth` compares the highest with the baseline.
   */
  heapMb?: { baseline: number; maxWithStalled: number; end: number };
  heapGrowth?: number;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN) * 1024;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function metric(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || l.startsWith(`${name}${labels}{`));
  return Number(line?.split(' ').at(-1) ?? 0);
}

async function stalledWebSocket(stack: AlertStack, query: string, variables: object): Promise<WebSocket> {
  const socket = new WebSocket(stack.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  socket.on('error', () => {});
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${stack.token}` } }));
  await new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type !== 'connection_ack') return;
      socket.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query, variables } }));
      // From here on the client reads nothing: the kernel's buffers fill, then the gateway's for this client.
      socket.pause();
      resolve();
    });
  });
  return socket;
}

async function stalledStream(stack: AlertStack, query: string, variables: object): Promise<IncomingMessage> {
  const url = new URL(stack.gatewayUrl);
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: `Bearer ${stack.token}`,
        },
      },
      resolve,
    );
    req.on('error', reject);
    req.end(JSON.stringify({ query, variables }));
  });
  response.on('error', () => {});
  response.pause();
  return response;
}

export async function stalledClients(
  stack: AlertStack,
  options: StalledClientsOptions,
): Promise<StalledClientsOutcome> {
  const codes = await stormContainers(
    stack,
    options.containers,
    `STL${Date.now().toString(36).slice(-4).toUpperCase()}`,
  );
  const storm = alertStorm(stack, codes);
  const variables = { filter: { containerCodes: codes } };
  const start = await stack.store.alertStreamCursor();

  // Healthy clients, from a cursor taken before the first transition: none can miss one.
  const healthyWs = Array.from({ length: options.healthyWebSockets }, () => {
    const keys: string[] = [];
    const client = createClient({
      url: stack.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${stack.token}` },
      retryAttempts: 0,
    });
    client.subscribe(
      { query: healthyQuery, variables: { ...variables, after: start } },
      {
        next: (result) => {
          const event = (result.data as { alertEvents?: { transition: string; alert: { id: string } } } | undefined)
            ?.alertEvents;
          keys.push(event ? `${event.alert.id} ${event.transition}` : `error ${JSON.stringify(result.errors)}`);
        },
        error: (error) => keys.push(`error ${String(error)}`),
        complete: () => {},
      },
    );
    return { keys, close: () => client.dispose() };
  });
  // The healthy query has no `after` variable: SSE resumes from Last-Event-ID.
  const healthySse: SseStream[] = await Promise.all(
    Array.from({ length: options.healthySse }, () =>
      openSseStream(stack.gatewayUrl, stack.token, { query: healthySseQuery, variables }, start),
    ),
  );
  const sseKeys = (stream: SseStream) =>
    stream.events.map((e) => {
      const event = (e.data.data as { alertEvents?: { transition: string; alert: { id: string } } } | null)
        ?.alertEvents;
      return event ? `${event.alert.id} ${event.transition}` : `error ${JSON.stringify(e.data.errors)}`;
    });

  const samples: number[] = [];
  const series: number[] = [];
  const sampler = setInterval(() => samples.push(rssBytes(stack.gatewayPid)), 1000);
  let baseline: number[] = [];
  try {
    await storm.paced(options.perSecond, options.baselineSeconds);
    const baselineSamples = samples.splice(0);
    series.push(...baselineSamples);
    baseline = baselineSamples.slice(Math.floor(baselineSamples.length / 2)).sort((a, b) => a - b);

    const heapBaseline = await options.inspector?.memoryAfterGc();

    const stalledQuery = options.stalledSelection === 'heavy' ? heavyQuery : healthySseQuery;
    const stalled = {
      ws: await Promise.all(
        Array.from({ length: options.stalledWebSockets }, () => stalledWebSocket(stack, stalledQuery, variables)),
      ),
      sse: await Promise.all(
        Array.from({ length: options.stalledSse }, () => stalledStream(stack, stalledQuery, variables)),
      ),
    };
    const heapWithStalled: number[] = [];
    let stormRunning = true;
    const stormDone = storm.paced(options.perSecond, options.stalledSeconds).finally(() => {
      stormRunning = false;
    });
    while (options.inspector && stormRunning) {
      await Promise.race([stormDone, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (stormRunning) heapWithStalled.push((await options.inspector.memoryAfterGc()).heapBytes);
    }
    await stormDone;
    const stalledSamples = samples.splice(0);
    series.push(...stalledSamples);

    // Every healthy client gets every transition (the store is the reference), whatever the stalled ones did.
    const filter = { entityType: 'CONTAINER' as const, codes };
    const expected: string[] = [];
    let page = await stack.store.alertEventsAfter(start, filter, 1000);
    for (;;) {
      expected.push(...page.events.map((e) => `${e.event.alertId} ${e.event.transition}`));
      if (!page.more) break;
      page = await stack.store.alertEventsAfter(page.cursor, filter, 1000);
    }
    const deadline = Date.now() + 60_000;
    const caughtUp = () =>
      healthyWs.every((c) => c.keys.length >= expected.length) &&
      healthySse.every((s) => s.events.length >= expected.length);
    while (!caughtUp() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // Live events of different containers may arrive in another order than the store's merge by stream id; each
    // alert's transitions may not. Every one exactly once, each alert's in order.
    const byAlert = (keys: string[]) => {
      const alerts = new Map<string, string[]>();
      for (const k of keys) {
        const [id = '', transition = ''] = k.split(' ');
        alerts.set(id, [...(alerts.get(id) ?? []), transition]);
      }
      return alerts;
    };
    const expectedByAlert = byAlert(expected);
    const same = (keys: string[]) => {
      if (keys.length !== expected.length) return false;
      const got = byAlert(keys);
      return [...expectedByAlert].every(([id, transitions]) => got.get(id)?.join() === transitions.join());
    };

    // The dropped clients' connections are cut after the grace: let it pass before counting what is still open.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const text = await stack.gatewayMetricsText();
    const end = rssBytes(stack.gatewayPid);
    const heapEnd = await options.inspector?.memoryAfterGc();
    for (const socket of stalled.ws) socket.terminate();
    for (const response of stalled.sse) response.destroy();
    const baselineRss = baseline[Math.floor(baseline.length / 2)] ?? Number.NaN;
    const maxWithStalled = Math.max(...stalledSamples, end);
    return {
      transitions: expected.length,
      healthy: [
        ...healthyWs.map((c) => ({ transport: 'ws' as const, received: c.keys.length, complete: same(c.keys) })),
        ...healthySse.map((s) => ({
          transport: 'sse' as const,
          received: s.events.length,
          complete: same(sseKeys(s)),
        })),
      ],
      slowConsumers: {
        ws: metric(text, 'bst_gateway_slow_consumers_total', '{transport="ws"}'),
        sse: metric(text, 'bst_gateway_slow_consumers_total', '{transport="sse"}'),
      },
      openSubscriptionsAtEnd:
        metric(text, 'bst_gateway_subscriptions', '{transport="ws"}') +
        metric(text, 'bst_gateway_subscriptions', '{transport="sse"}'),
      rssMb: { baseline: mb(baselineRss), maxWithStalled: mb(maxWithStalled), end: mb(end) },
      rssGrowth: Math.round((maxWithStalled / baselineRss - 1) * 1000) / 1000,
      rssSeriesMb: series.filter((_, i) => i % 5 === 4).map(mb),
      ...(heapBaseline && heapEnd
        ? {
            heapMb: {
              baseline: mb(heapBaseline.heapBytes),
              maxWithStalled: mb(Math.max(...heapWithStalled, heapEnd.heapBytes)),
              end: mb(heapEnd.heapBytes),
            },
            heapGrowth:
              Math.round((Math.max(...heapWithStalled, heapEnd.heapBytes) / heapBaseline.heapBytes - 1) * 1000) / 1000,
          }
        : {}),
    };
  } finally {
    clearInterval(sampler);
    await Promise.all(healthyWs.map((c) => c.close()));
    await Promise.all(healthySse.map((s) => s.close()));
  }
}
