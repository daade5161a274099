import { GATEWAY_IDENTITY_HEADER, type IdentitySeal } from '@bst/identity';
import type { SubgraphEndpoint } from './supergraph/loadSupergraph.ts';

export interface SubgraphReadiness {
  url: string;
  ready: boolean;
  error?: string;
}

export interface Readiness {
  ready: boolean;
  subgraphs: Record<string, SubgraphReadiness>;
}

const probeIdentity = { subject: 'gateway-readiness', roles: ['viewer' as const] };

async function probe(endpoint: SubgraphEndpoint, seal: IdentitySeal, timeoutMs: number): Promise<SubgraphReadiness> {
  try {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [GATEWAY_IDENTITY_HEADER]: await seal.seal(probeIdentity),
      },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => null)) as { data?: { __typename?: string } } | null;
    if (response.ok && body?.data?.__typename) return { url: endpoint.url, ready: true };
    return { url: endpoint.url, ready: false, error: `answered HTTP ${response.status} without data` };
  } catch (error) {
    return { url: endpoint.url, ready: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Ready when every subgraph of the supergraph answers `{ __typename }` through the gateway's sealed identity. */
export async function checkReadiness(
  subgraphs: SubgraphEndpoint[],
  seal: IdentitySeal,
  timeoutMs = 2000,
): Promise<Readiness> {
  const results = await Promise.all(subgraphs.map(async (s) => [s.name, await probe(s, seal, timeoutMs)] as const));
  return { ready: results.every(([, r]) => r.ready), subgraphs: Object.fromEntries(results) };
}
