import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePorts, portIsFree, type SpawnedPlatform, spawnPlatform } from './support/spawnPlatform.ts';

// CI stops it 3 times; `npm run soak:lifecycle` 20 times in a row (acceptance: every stop exits 0 within 5 s).
const stops = Number(process.env.LIFECYCLE_STOPS ?? 3);
const stackLine = /^\s+at .+:\d+:\d+\)?$/m;

/** Every kind of client the platform serves, connected and subscribed: graphql-ws, SSE and an MQTT device. */
async function connectClients(platform: SpawnedPlatform) {
  const ws = createClient({
    url: platform.urls.graphWs,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${platform.tokens.viewer}` },
    retryAttempts: 0,
  });
  const live = ws.iterate<{ liveState: { containerCode: string } }>({
    query: 'subscription { liveState(containerCodes: ["BOX-0001", "BOX-0002"]) { containerCode } }',
  });
  const alerts = ws.iterate({ query: 'subscription { alertEvents { transition } }' });
  void alerts.next().catch(() => {});
  const sse = new AbortController();
  const stream = await fetch(platform.urls.graph, {
    method: 'POST',
    signal: sse.signal,
    headers: {
      accept: 'text/event-stream',
      'content-type': 'application/json',
      authorization: `Bearer ${platform.tokens.viewer}`,
    },
    body: JSON.stringify({ query: 'subscription { liveState(containerCodes: ["BOX-0001"]) { containerCode } }' }),
  });
  const reader = stream.body!.getReader();
  const device = await connectAsync(platform.urls.mqtt, { reconnectPeriod: 0, clientId: `device-${Date.now()}` });
  // The simulator publishes every 5 s: one event on each stream proves the subscriptions are live end to end.
  const first = await Promise.race([
    live.next(),
    new Promise<never>((_, fail) => setTimeout(() => fail(new Error('no live event within 20 s')), 20_000)),
  ]);
  expect(first.value?.data?.liveState.containerCode).toMatch(/^BOX-000[12]$/);
  await reader.read();
  return {
    async close() {
      sse.abort();
      device.end(true);
      await ws.dispose();
    },
  };
}

describe('npm start stops cleanly on Ctrl-C with clients connected (production signal handling, NODE_ENV unset)', () => {
  // One data directory for the file: only the first start pays PGlite's initdb and migrations (about 15 s of a start).
  let pgliteDir: string;
  beforeAll(async () => {
    pgliteDir = await mkdtemp(join(tmpdir(), 'bst-lifecycle-'));
  });
  afterAll(() => rm(pgliteDir, { recursive: true, force: true }));

  it(
    `stops ${stops} times in a row, each within 5 s with exit code 0, freeing every port`,
    async () => {
      const figures: { ms: number; code: number | null }[] = [];
      try {
        for (let run = 0; run < stops; run++) {
          const platform = await spawnPlatform({ SIM_INTERVAL_MS: '500' }, { dataDir: pgliteDir });
          try {
            const clients = await connectClients(platform);
            const { code, signal, ms } = await platform.stop('SIGINT');
            figures.push({ ms, code });
            if (process.env.LIFECYCLE_VERBOSE) console.log(platform.output().split('SIGINT: stopping')[1]);
            expect({ code, signal }).toEqual({ code: 0, signal: null });
            expect(ms).toBeLessThan(5000);
            expect(platform.output()).toContain('[platform] stopped in');
            expect(platform.output()).not.toMatch(stackLine);
            expect(platform.output()).not.toContain('ECONNREFUSED');
            for (const port of Object.values(platform.ports)) expect(await portIsFree(port)).toBe(true);
            await clients.close();
          } finally {
            await platform.cleanup();
          }
        }
      } finally {
        const ms = figures.map((figure) => figure.ms);
        console.log(
          JSON.stringify({
            lifecycle: 'sigint-with-clients',
            stops: figures.length,
            exitCodes: [...new Set(figures.map((figure) => figure.code))],
            maxMs: Math.max(...ms),
            medianMs: ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)],
          }),
        );
      }
    },
    180_000 * Math.max(1, stops / 3),
  );

  it('stops on SIGTERM too', async () => {
    const platform = await spawnPlatform({ SIMULATOR: 'off' }, { dataDir: pgliteDir });
    try {
      const { code, ms } = await platform.stop('SIGTERM');
      expect(code).toBe(0);
      expect(ms).toBeLessThan(5000);
    } finally {
      await platform.cleanup();
    }
  }, 120_000);

  it('a port in use names the port and its setting and exits 1 without a stack trace', async () => {
    const [taken] = (await freePorts(1)) as [number];
    const holder = createServer();
    await new Promise<void>((listening) => holder.listen(taken, '127.0.0.1', () => listening()));
    const pgliteDir = await mkdtemp(join(tmpdir(), 'bst-port-'));
    try {
      const failure = await spawnPlatform({ GATEWAY_PORT: `${taken}`, SIMULATOR: 'off' }, { dataDir: pgliteDir }).then(
        () => null,
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/^exited with 1 before running/);
      expect(failure).toContain(`port ${taken} (the gateway port, GATEWAY_PORT) is already in use`);
      expect(failure).not.toMatch(stackLine);
    } finally {
      holder.close();
      await rm(pgliteDir, { recursive: true, force: true });
    }
  }, 60_000);
});
