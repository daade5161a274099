import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, graphql, parse, subscribe, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

const schema = buildSchema(`
  scalar DateTime
  type GeoPoint { lat: Float! lng: Float! }
  type Site { code: String! name: String! location: GeoPoint }
  type StorageProfile { name: String! minTempC: Float maxTempC: Float staleAfterSeconds: Int! }
  type LiveState { temperatureC: Float humidityPct: Float location: GeoPoint status: String at: DateTime stale: Boolean! }
  type Compliance {
    readings: Int! inRangePct: Float! timeInRangePct: Float! unknownMinutes: Float! excursionMinutes: Float! mktC: Float
  }
  type Container {
    id: ID! code: String! kind: String! label: String status: String!
    site: Site storageProfile: StorageProfile live: LiveState
    compliance(since: DateTime, until: DateTime): Compliance!
  }
  type ContainerEdge { cursor: String! node: Container! }
  type ContainerConnection { edges: [ContainerEdge!]! totalCount: Int! }
  type Alert {
    id: ID! kind: String! severity: String! state: String! container: Container
    startedAt: DateTime! endedAt: DateTime acknowledgedAt: DateTime message: String peakValue: Float
  }
  type AlertEvent { transition: String! at: DateTime! alert: Alert! }
  type ContainerLiveEvent { containerCode: String! live: LiveState }
  type IngestStats { accepted: Int! duplicates: Int! rejected: Int! late: Int! unregistered: Int! }
  type Query { containers(first: Int, after: String): ContainerConnection! alerts(first: Int): [Alert!]! ingestStats: IngestStats! }
  type Mutation { acknowledgeAlert(id: ID!, note: String): Alert! }
  type Subscription { liveState(containerCodes: [String!]!): ContainerLiveEvent! alertEvents: AlertEvent! }
`);

const now = new Date().toISOString();
const refrigerated = { name: 'Default SLA', minTempC: 2, maxTempC: 8, staleAfterSeconds: 900 };

export interface FakeWorld {
  containers: Array<Record<string, unknown> & { code: string }>;
  alerts: Array<Record<string, unknown> & { id: string; state: string }>;
  acknowledged: Array<{ id: string; note: string | null; authorization: string | undefined }>;
}

export function demoWorld(): FakeWorld {
  const container = (
    code: string,
    site: [string, number, number],
    live: Record<string, unknown> | null,
    compliance: Record<string, number | null> = {
      readings: 120,
      inRangePct: 97.5,
      timeInRangePct: 96.25,
      unknownMinutes: 0,
      excursionMinutes: 4,
      mktC: 5.12,
    },
  ) => ({
    id: code,
    code,
    kind: 'BOX',
    label: `Box ${code}`,
    status: 'IN_USE',
    site: { code: site[0], name: site[0], location: { lat: site[1], lng: site[2] } },
    storageProfile: refrigerated,
    live,
    compliance,
  });
  const live = (temperatureC: number, stale = false) => ({
    temperatureC,
    humidityPct: 51,
    location: null,
    status: 'idle',
    // A stale container last reported longer ago than its profile's staleAfterSeconds.
    at: stale ? new Date(Date.now() - 25 * 60_000).toISOString() : now,
    stale,
  });
  return {
    containers: [
      container('BOX-0001', ['Berlin', 52.52, 13.405], live(4.2)),
      container('BOX-0002', ['London', 51.5074, -0.1278], live(11.5)),
      container('FRG-LON-01', ['London', 51.52, -0.1], live(5, true)),
      // Never reported, at the same site as BOX-0001: the engine's reading count says 100 % for no readings.
      container('BOX-0003', ['Berlin', 52.52, 13.405], null, {
        readings: 0,
        inRangePct: 100,
        timeInRangePct: 0,
        unknownMinutes: 1440,
        excursionMinutes: 0,
        mktC: null,
      }),
    ],
    alerts: [
      {
        id: 'A-1',
        kind: 'TEMPERATURE_HIGH',
        severity: 'WARNING',
        state: 'ACTIVE_UNACKNOWLEDGED',
        container: { code: 'BOX-0002' },
        startedAt: now,
        endedAt: null,
        acknowledgedAt: null,
        message: 'Temperature 11.5 °C above 8 °C for 6 min',
        peakValue: 11.5,
      },
    ],
    acknowledged: [],
  };
}

/** A stand-in gateway for the page: the SPEC §5 names over HTTP, and subscriptions the test pushes events into. */
export async function startFakeGateway(world: FakeWorld) {
  const listeners = new Set<(event: { liveState?: unknown; alertEvents?: unknown }) => void>();
  const stream = <K extends 'liveState' | 'alertEvents'>(key: K) =>
    async function* () {
      const queue: unknown[] = [];
      let wake: (() => void) | undefined;
      const listener = (event: Record<string, unknown>) => {
        if (key in event) queue.push({ [key]: event[key] });
        wake?.();
      };
      listeners.add(listener);
      try {
        for (;;) {
          while (queue.length > 0) yield queue.shift();
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        listeners.delete(listener);
      }
    };
  const rootValue = (authorization: string | undefined) => ({
    containers: () => ({
      totalCount: world.containers.length,
      edges: world.containers.map((node) => ({ cursor: node.code, node })),
    }),
    alerts: () => world.alerts,
    ingestStats: () => ({ accepted: 1234, duplicates: 12, rejected: 3, late: 7, unregistered: 1 }),
    acknowledgeAlert: ({ id, note }: { id: string; note: string | null }) => {
      world.acknowledged.push({ id, note, authorization });
      const alert = world.alerts.find((candidate) => candidate.id === id)!;
      alert.state = 'ACTIVE_ACKNOWLEDGED';
      alert.acknowledgedAt = new Date().toISOString();
      return alert;
    },
  });

  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', async () => {
      const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
      const result = await graphql({
        schema,
        source: query,
        variableValues: variables ?? null,
        rootValue: rootValue(request.headers.authorization),
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(result));
    });
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const connectionParams: unknown[] = [];
  useServer(
    {
      schema,
      // Vitest loads graphql's ESM build, graphql-ws (external) its CJS one: hand it this realm's functions.
      parse,
      validate,
      execute,
      subscribe,
      roots: { subscription: { liveState: stream('liveState'), alertEvents: stream('alertEvents') } },
      onConnect: (context) => {
        connectionParams.push(context.connectionParams);
      },
    },
    wss,
  );
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    connectionParams,
    subscribers: () => listeners.size,
    push: (event: { liveState?: unknown; alertEvents?: unknown }) => {
      for (const listener of listeners) listener(event);
    },
    stop: async () => {
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
    },
  };
}
