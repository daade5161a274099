import { GATEWAY_IDENTITY_HEADER, type IdentitySeal } from '@bst/identity';
import { checkDependencies, type DependencyState } from '@bst/service-kit';
import type { SubgraphEndpoint } from './supergraph/loadSupergraph.ts';

export interface SubgraphReadiness {
  url: string;
  ready: boolean;
  error?: string;
  /** What the subgraph's own `/ready` said of its dependencies (Redis, Postgres, ...). */
  dependencies?: Record<string, DependencyState>;
}

export interface Readiness {
  ready: boolean;
  /** What is not ready: `subgraph:<name>` or one of the gateway's own dependencies (`redis`). */
  failing: string[];
  subgraphs: Record<string, SubgraphReadiness>;
  /** The gateway's own dependencies (Redis for shared limits, when configured). */
  dependencies: Record<string, DependencyState>;
}

const probeIdentity = { subject: 'gateway-readiness', roles: ['viewer' as const] };

interface SubgraphReadyAnswer {
  failing?: string[];
  dependencies?: Record<string, DependencyState>;
}

/** A subgraph without `/ready` (not built on the subgraph kit) is ready when it answers `{ __typename }`. */
async function probeTypename(endpoint: SubgraphEndpoint, seal: IdentitySeal, timeoutMs: number) {
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [GATEWAY_IDENTITY_HEADER]: await seal.seal(probeIdentity) },
    body: JSON.stringify({ query: '{ __typename }' }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json().catch(() => null)) as { data?: { __typename?: string } } | null;
  if (!response.ok || !body?.data?.__typename) throw new Error(`answered HTTP ${response.status} without data`);
}

async function probe(endpoint: SubgraphEndpoint, seal: IdentitySeal, timeoutMs: number): Promise<SubgraphReadiness> {
  try {
    const response = await fetch(new URL('/ready', endpoint.url), { signal: AbortSignal.timeout(timeoutMs) });
    if (response.status === 404) {
      await response.body?.cancel();
      await probeTypename(endpoint, seal, timeoutMs);
      return { url: endpoint.url, ready: true };
    }
    const body = (await response.json().catch(() => null)) as SubgraphReadyAnswer | null;
    const dependencies = body?.dependencies ? { dependencies: body.dependencies } : {};
    if (response.ok) return { url: endpoint.url, ready: true, ...dependencies };
    const failing = body?.failing?.length ? `: ${body.failing.join(', ')} unavailable` : '';
    return { url: endpoint.url, ready: false, error: `not ready (HTTP ${response.status})${failing}`, ...dependencies };
  } catch (error) {
    return { url: endpoint.url, ready: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Ready when every subgraph of the supergraph is ready (its `/ready`: the subgraph and what it depends on) and the
 * gateway's own dependencies answer.
 */
export async function checkReadiness(
  subgraphs: SubgraphEndpoint[],
  seal: IdentitySeal,
  own: Parameters<typeof checkDependencies>[0] = {},
  timeoutMs = 2000,
): Promise<Readiness> {
  const [results, gateway] = await Promise.all([
    Promise.all(subgraphs.map(async (s) => [s.name, await probe(s, seal, timeoutMs)] as const)),
    checkDependencies(own, timeoutMs),
  ]);
  const failing = [...results.filter(([, r]) => !r.ready).map(([name]) => `subgraph:${name}`), ...gateway.failing];
  return {
    ready: failing.length === 0,
    failing,
    subgraphs: Object.fromEntries(results),
    dependencies: gateway.dependencies,
  };
}
