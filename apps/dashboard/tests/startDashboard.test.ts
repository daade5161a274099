import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, graphql, parse, subscribe, validate } from 'graphql';
import { createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { type Dashboard, startDashboard } from '../src/index.ts';

const schema = buildSchema(`
  type Query { whoami: String }
  type LiveState { temperatureC: Float }
  type ContainerLiveEvent { containerCode: String! live: LiveState }
  type Subscription { liveState(containerCodes: [String!]!): ContainerLiveEvent! }
`);

/** A throwaway stand-in for the gateway: echoes the Authorization header over HTTP and streams live state over graphql-ws. */
async function startFakeGateway(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', async () => {
      const { query } = JSON.parse(body || '{}') as { query?: string };
      const result = await graphql({
        schema,
        source: query ?? '{ whoami }',
        rootValue: { whoami: `${request.method} ${request.url} ${request.headers.authorization ?? 'anonymous'}` },
      });
      response.writeHead(200, { 'content-type': 'application/json', 'x-fake-gateway': 'yes' });
      response.end(JSON.stringify(result));
    });
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    {
      schema,
      // Vitest loads graphql's ESM build, graphql-ws (external) its CJS one: hand it this realm's functions.
      parse,
      validate,
      execute,
      subscribe,
      roots: {
        subscription: {
          liveState: async function* (args: { containerCodes: string[] }) {
            for (const [i, containerCode] of args.containerCodes.entries()) {
              yield { liveState: { containerCode, live: { temperatureC: 4 + i } } };
            }
          },
        },
      },
      onConnect: (context) => context.connectionParams?.authorization === 'Bearer op-token',
    },
    wss,
  );
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

describe('startDashboard', () => {
  let gateway: Awaited<ReturnType<typeof startFakeGateway>>;
  let dashboard: Dashboard;

  beforeAll(async () => {
    gateway = await startFakeGateway();
    dashboard = await startDashboard({ port: 0, gatewayUrl: gateway.url });
  });
  afterAll(async () => {
    await dashboard?.stop();
    gateway?.server.closeAllConnections();
    await new Promise((closed) => gateway?.server.close(closed));
  });

  it('serves the operator page with its script, styles, Leaflet and the graphql-ws browser client', async () => {
    const page = await fetch(dashboard.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('Bio Supply Twin');
    for (const asset of [
      '/app.js',
      '/styles.css',
      '/vendor/leaflet/leaflet.js',
      '/vendor/leaflet/leaflet.css',
      '/vendor/graphql-ws.js',
    ]) {
      expect(html).toContain(asset);
      const response = await fetch(new URL(asset, dashboard.url));
      expect(response.status, asset).toBe(200);
      expect((await response.text()).length, asset).toBeGreaterThan(100);
    }
    expect((await fetch(new URL('/app.js', dashboard.url))).headers.get('content-type')).toContain('text/javascript');
    expect(await (await fetch(new URL('/vendor/graphql-ws.js', dashboard.url))).text()).toContain('graphqlWs');
  });

  it('the page uses the graph names of SPEC §5', async () => {
    const script = await (await fetch(new URL('/app.js', dashboard.url))).text();
    for (const name of [
      'liveState(containerCodes: $containerCodes)',
      'alertEvents',
      'acknowledgeAlert(id: $id, note: $note)',
      'compliance(since: $since) { readings inRangePct timeInRangePct unknownMinutes excursionMinutes mktC }',
      'temperatureC humidityPct location { lat lng } status at stale',
    ]) {
      expect(script).toContain(name);
    }
  });

  it('refuses paths outside its files', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/src/startDashboard.ts',
      '/vendor/leaflet/%2e%2e/package.json',
      '/nope.js',
    ]) {
      expect((await fetch(new URL(path, dashboard.url))).status, path).toBe(404);
    }
  });

  it('proxies /graphql over HTTP to the gateway, with the Authorization header and query string', async () => {
    const response = await fetch(new URL('/graphql?op=x', dashboard.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer op-token' },
      body: JSON.stringify({ query: '{ whoami }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-fake-gateway')).toBe('yes');
    expect(await response.json()).toEqual({ data: { whoami: 'POST /graphql?op=x Bearer op-token' } });
  });

  it('proxies graphql-ws subscriptions on /graphql, connection_init included', async () => {
    const client = createClient({
      url: `${dashboard.url.replace('http', 'ws')}graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: 'Bearer op-token' },
      retryAttempts: 0,
    });
    const events: unknown[] = [];
    try {
      for await (const event of client.iterate({
        query:
          'subscription { liveState(containerCodes: ["BOX-0001", "BOX-0002"]) { containerCode live { temperatureC } } }',
      })) {
        events.push(event.data);
      }
    } finally {
      await client.dispose();
    }
    expect(events).toEqual([
      { liveState: { containerCode: 'BOX-0001', live: { temperatureC: 4 } } },
      { liveState: { containerCode: 'BOX-0002', live: { temperatureC: 5 } } },
    ]);
  });

  it('answers 502 with a GraphQL error when the gateway is down', async () => {
    const orphan = await startDashboard({ port: 0, gatewayUrl: 'http://127.0.0.1:9/graphql' });
    try {
      const response = await fetch(new URL('/graphql', orphan.url), { method: 'POST', body: '{}' });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_GATEWAY' } }] });
    } finally {
      await orphan.stop();
    }
  });
});
