import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GATEWAY_IDENTITY_HEADER, type Identity, type IdentitySeal } from '@bst/identity';
import { REQUEST_ID_HEADER } from '@bst/service-kit';
import {
  type SubgraphAnswer,
  type SubgraphFetcher,
  SubgraphOutcomeUnknownError,
  SubgraphUnreachableError,
} from './createSubgraphFetcher.ts';

export interface GatewayContext {
  identity: Identity;
}

type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;
type CacheHint = { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' };

/**
 * Seals identities for subgraph requests, reusing a sealed value for one identity object only well inside the
 * subgraphs' age window (a third of it), so a subgraph never sees one near its limit.
 */
export function createSealCache(seal: IdentitySeal) {
  const reuseMs = (seal.maxAgeSeconds * 1000) / 3;
  const sealed = new WeakMap<Identity, { value: Promise<string>; at: number }>();
  return (identity: Identity): Promise<string> => {
    const now = Date.now();
    const known = sealed.get(identity);
    if (known && now - known.at < reuseMs) return known.value;
    const value = seal.seal(identity);
    sealed.set(identity, { value, at: now });
    return value;
  };
}

export type SealCache = ReturnType<typeof createSealCache>;

/** The query planner writes a subgraph fetch as `query …`, `mutation …` or a bare `{ … }` selection (a query). */
export function isQueryOperation(source: string): boolean {
  return /^\s*(?:\{|query\b)/.test(source);
}

/** The subgraph's Cache-Control answer as a hint, as Apollo's RemoteGraphQLDataSource reads it. */
function cacheHintOf(header: string | string[] | undefined): CacheHint {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const hint: CacheHint = { maxAge: Number(/(?:^|,)\s*max-age=(\d+)\s*(?:,|$)/i.exec(value)?.[1] ?? 0) };
  if (/(?:^|,)\s*private\s*(?:,|$)/i.test(value)) hint.scope = 'PRIVATE';
  if (/(?:^|,)\s*public\s*(?:,|$)/i.test(value)) hint.scope = 'PUBLIC';
  return hint;
}

function failure(subgraph: string, error: unknown): SubgraphResponse {
  const reason = error instanceof Error ? error.message : String(error);
  const code =
    error instanceof SubgraphOutcomeUnknownError
      ? 'SUBGRAPH_OUTCOME_UNKNOWN'
      : error instanceof SubgraphUnreachableError
        ? 'SUBGRAPH_UNAVAILABLE'
        : 'SUBGRAPH_ERROR';
  const message = {
    SUBGRAPH_OUTCOME_UNKNOWN: `subgraph "${subgraph}" gave no answer to a mutation: ${reason}`,
    SUBGRAPH_UNAVAILABLE: `subgraph "${subgraph}" is unavailable: ${reason}`,
    SUBGRAPH_ERROR: `subgraph "${subgraph}" failed: ${reason}`,
  }[code];
  return { errors: [{ message, extensions: { code } }] };
}

function parseAnswer(answer: SubgraphAnswer): SubgraphResponse {
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${answer.status}: ${answer.statusText}`);
  const type = answer.headers['content-type'] ?? '';
  const text = answer.body.toString('utf8');
  const json = type.startsWith('application/json') || type.startsWith('application/graphql-response+json');
  const body: unknown = json ? JSON.parse(text) : text;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Error(`Expected JSON response body, but received: ${text.slice(0, 200)}`);
  }
  return body as SubgraphResponse;
}

/**
 * Every subgraph fetch carries the identity the gateway verified, sealed so the subgraph knows it came through us.
 * It sends on our fetcher directly (no node-fetch Request and Headers per fetch, as Apollo's RemoteGraphQLDataSource
 * builds) and tells it which fetches are queries: those may be merged with an identical one in flight and retried once.
 */
export class IdentityForwardingDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    readonly subgraphName: string,
    readonly url: string,
    private readonly seal: SealCache,
    private readonly fetcher: SubgraphFetcher,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (request.http?.headers) for (const [name, value] of request.http.headers) headers[name] = value;
    const identity = (options.context as Partial<GatewayContext> | undefined)?.identity;
    if (identity) headers[GATEWAY_IDENTITY_HEADER] = await this.seal(identity);
    // The client's request id follows it to the subgraphs (their logs carry it too).
    const requestId =
      'incomingRequestContext' in options
        ? options.incomingRequestContext.request.http?.headers.get(REQUEST_ID_HEADER)
        : undefined;
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    const body = JSON.stringify({
      query: request.query,
      ...(request.operationName ? { operationName: request.operationName } : {}),
      ...(request.variables ? { variables: request.variables } : {}),
      ...(request.extensions ? { extensions: request.extensions } : {}),
    });
    headers['content-length'] = String(Buffer.byteLength(body));
    let answer: SubgraphAnswer;
    let response: SubgraphResponse;
    try {
      answer = await this.fetcher.send(this.url, { headers, body, idempotent: isQueryOperation(request.query) });
      response = parseAnswer(answer);
    } catch (error) {
      // A subgraph that cannot be reached becomes an error on the fields it owns, with a code clients can act on.
      return failure(this.subgraphName, error);
    }
    if ('incomingRequestContext' in options) {
      const policy: unknown = options.incomingRequestContext.overallCachePolicy;
      if (policy && typeof policy === 'object' && 'restrict' in policy && typeof policy.restrict === 'function') {
        policy.restrict(cacheHintOf(answer.headers['cache-control']));
      }
    }
    return response;
  }
}
