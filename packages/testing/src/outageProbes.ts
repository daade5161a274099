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
