import { createTestDatabase } from './createTestDatabase.ts';
import { startTcpProxy, type TcpProxy } from './stack/startTcpProxy.ts';

/** What a request made during an outage got: data, a typed SERVICE_UNAVAILABLE, readiness, or anything else (wrong). */
export type ProbeOutcome = 'data' | 'unavailable' | 'ready' | 'not-ready' | `wrong: ${string}`;

export interface ProbeAnswer {
  what: string;
  ms: number;
  outcome: ProbeOutcome;
}

/** What an operator's dashboard asks through the gateway: core's records with the twin's live state and alerts. */
export const dashboardQuery = `{
  containers(first: 20) { edges { node { code label site { name } live { temperatureC status at } } } }
  alerts(first: 20) { id kind state container { code } }
}`;

/** Asks once and times the answer (a failed request is an outcome too: `wrong: …`). */
export async function timedProbe(what: string, ask: () => Promise<ProbeOutcome>): Promise<ProbeAnswer> {
  const started = performance.now();
  const outcome = await ask().catch((error: unknown): ProbeOutcome => `wrong: ${String(error)}`);
  return { what, ms: Math.round(performance.now() - started), outcome };
}

// What must never reach a client: SQL, driver or socket messages.
const leak = /\b(select|insert|update|from|where)\b|postgres|redis|ECONN|timed out/i;

/**
 * Data without errors, or errors that are all SERVICE_UNAVAILABLE with masked messages (with whatever data could be
 * had); anything else is wrong. Waits at most 15 s, so a hang shows as a slow answer, not a stuck test.
 */
export async function graphqlOutcome(
  url: string,
  headers: Record<string, string>,
  query: string,
): Promise<ProbeOutcome> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (!body.errors?.length) return body.data ? 'data' : `wrong: no data (HTTP ${response.status})`;
  const codes = [...new Set(body.errors.map((e) => e.extensions?.code))];
  if (codes.length === 1 && codes[0] === 'SERVICE_UNAVAILABLE' && !body.errors.some((e) => leak.test(e.message))) {
    return 'unavailable';
  }
  return `wrong: ${JSON.stringify(body.errors).slice(0, 300)}`;
}

/** `GET /ready` of a service (its URL or its GraphQL URL): 200 ready, 503 not ready, anything else wrong. */
export async function readinessOutcome(url: string): Promise<ProbeOutcome> {
  const response = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(15_000) });
  await response.text();
  if (response.status === 200) return 'ready';
  if (response.status === 503) return 'not-ready';
  return `wrong: HTTP ${response.status}`;
}

/** A fresh test database reached through a relay the test can cut or freeze (the machine's Postgres is untouched). */
export async function relayedTestDatabase(label: string): Promise<{
  proxy: TcpProxy;
  /** The database's URL through the relay. */
  url: string;
  /** The database's own URL (Postgres itself). */
  directUrl: string;
  /** Thaws and stops the relay, then drops the database (after the services using it have stopped). */
  drop(): Promise<void>;
}> {
  const database = await createTestDatabase(label);
  const direct = new URL(database.url);
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const relayed = new URL(database.url);
  relayed.port = String(proxy.port);
  return {
    proxy,
    url: relayed.toString(),
    directUrl: database.url,
    async drop() {
      proxy.thaw();
      await proxy.stop();
      await database.drop();
    },
  };
}

/** The two ways a relayed service goes away, for `it.each`: stopped (connections cut) and frozen (nothing answers). */
export const relayOutages = [
  {
    outage: 'stopped (connections cut, new ones refused)',
    down: (proxy: TcpProxy) => proxy.cut(),
    up: (proxy: TcpProxy) => proxy.restore(),
  },
  {
    outage: 'frozen (connections open, nothing answers)',
    down: (proxy: TcpProxy) => proxy.freeze(),
    up: (proxy: TcpProxy) => proxy.thaw(),
  },
];

export interface OutageRun {
  /** Every probe answered while the service was away. */
  during: ProbeAnswer[];
  /** From `up()` to the first time `recovered()` said so (NaN if it never did within 15 s). */
  recoveryMs: number;
}

/**
 * Takes a service away with `down()`, asks `probes()` (all at once, again and again) for `forMs`, brings it back with
 * `up()` and times how long until `recovered()` holds: what an outage test asserts on.
 */
export async function probeThroughOutage(options: {
  down(): void;
  up(): void;
  probes(): Promise<ProbeAnswer>[];
  recovered(): Promise<boolean>;
  forMs?: number;
}): Promise<OutageRun> {
  options.down();
  const during: ProbeAnswer[] = [];
  const downAt = performance.now();
  while (performance.now() - downAt < (options.forMs ?? 8000)) during.push(...(await Promise.all(options.probes())));
  options.up();
  const upAt = performance.now();
  while (performance.now() - upAt < 15_000) {
    if (await options.recovered()) return { during, recoveryMs: Math.round(performance.now() - upAt) };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { during, recoveryMs: Number.NaN };
}
