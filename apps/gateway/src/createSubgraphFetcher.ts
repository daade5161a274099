import http from 'node:http';
import https from 'node:https';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherHeaders = FetcherResponse['headers'];

/** A subgraph that could not be reached or did not answer in time (the request may not have been received). */
export class SubgraphUnreachableError extends Error {
  /** node-fetch's marker for network failures, which Apollo and our data source recognise. */
  readonly type = 'system';
}

/**
 * A request that must not be repeated (a mutation) failed once it may have reached the subgraph (a reset connection,
 * even a kept-alive one closed while idle, or no answer in time): it was not sent again, and may have been applied.
 */
export class SubgraphOutcomeUnknownError extends SubgraphUnreachableError {}

/** A subgraph's answer, read whole: shared as is between merged requests, so nothing may change it. */
export interface SubgraphAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Readonly<http.IncomingHttpHeaders>;
  readonly body: Buffer;
}

export interface SubgraphRequest {
  headers: Record<string, string>;
  body: string | Buffer;
  /**
   * A query: safe to share with an identical request already in flight (same subgraph, same headers, hence the same
   * identity, same body) and to send once more if a reused keep-alive socket was reset. Anything else (a mutation) is
   * sent exactly once and never shared.
   */
  idempotent: boolean;
}

export type SubgraphFetchOutcome = 'sent' | 'merged' | 'retried';

export interface SubgraphFetcherOptions {
  timeoutMs?: number;
  /** Called for every request: sent, merged into one already in flight, or sent again after a reset socket. */
  onFetch?: (outcome: SubgraphFetchOutcome) => void;
}

export interface SubgraphFetcher {
  /** POSTs a GraphQL request to a subgraph (what the gateway's data sources call). */
  send(url: string, request: SubgraphRequest): Promise<SubgraphAnswer>;
  /**
   * The same client as a fetch for Apollo's RemoteGraphQLDataSource, which serializes the operation first: a body
   * that starts with a query (`{"query":"query …` or `{"query":"{…`) is one; anything else is sent exactly once.
   */
  fetch: Fetcher;
  /** Closes the pooled connections (gateway shutdown). */
  close(): void;
}

class ResponseHeaders implements FetcherHeaders {
  private readonly byName = new Map<string, string>();
  constructor(raw: Readonly<http.IncomingHttpHeaders>) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.byName.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }
  append(name: string, value: string) {
    const known = this.byName.get(name.toLowerCase());
    this.byName.set(name.toLowerCase(), known === undefined ? value : `${known}, ${value}`);
  }
  delete(name: string) {
    this.byName.delete(name.toLowerCase());
  }
  get(name: string) {
    return this.byName.get(name.toLowerCase()) ?? null;
  }
  has(name: string) {
    return this.byName.has(name.toLowerCase());
  }
  set(name: string, value: string) {
    this.byName.set(name.toLowerCase(), value);
  }
  entries() {
    return this.byName.entries();
  }
  keys() {
    return this.byName.keys();
  }
  values() {
    return this.byName.values();
  }
  [Symbol.iterator]() {
    return this.byName.entries();
  }
}

function fetcherResponse(url: string, answer: SubgraphAnswer): FetcherResponse {
  let used = false;
  const consume = () => {
    used = true;
    return answer.body;
  };
  return {
    url,
    status: answer.status,
    statusText: answer.statusText,
    headers: new ResponseHeaders(answer.headers),
    ok: answer.status >= 200 && answer.status < 300,
    redirected: false,
    get bodyUsed() {
      return used;
    },
    text: async () => consume().toString('utf8'),
    json: async () => JSON.parse(consume().toString('utf8')),
    arrayBuffer: async () => {
      const bytes = consume();
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
    clone: () => fetcherResponse(url, answer),
  };
}

const apolloQueryBody = /^\{"query":"(?:\{|query\b)/;
// Failures before a connection exists: the request cannot have reached the subgraph.
const notSent = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** What identifies a request for merging: the subgraph, every header (the sealed identity among them) and the body. */
function mergeKey(url: string, request: SubgraphRequest): string {
  let key = url;
  for (const name of Object.keys(request.headers).sort()) {
    // Each client request has its own id: merged ones reach the subgraph under the first one's.
    if (name !== 'x-request-id') key += `\n${name}: ${request.headers[name]}`;
  }
  return `${key}\n\n${request.body}`;
}

/**
 * The gateway's subgraph client: plain node:http on a keep-alive pool per gateway, so a query plan fetch reuses a warm
 * connection (Apollo's default, make-fetch-happen, costs ~1 ms of CPU per request here). Identical queries in flight
 * share one request, as Hive Gateway does by default; a mutation is never merged and never sent twice.
 */
export function createSubgraphFetcher({ timeoutMs = 30_000, onFetch }: SubgraphFetcherOptions = {}): SubgraphFetcher {
  // Free sockets close before Node's default 5 s server keep-alive does, so a request rarely meets a closing socket.
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: 4000, scheduling: 'lifo' }),
    'https:': new https.Agent({ keepAlive: true, timeout: 4000, scheduling: 'lifo' }),
  };
  const targets = new Map<string, { transport: typeof http | typeof https; options: http.RequestOptions }>();
  const targetOf = (url: string) => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      const secure = parsed.protocol === 'https:';
      target = {
        transport: secure ? https : http,
        options: {
          protocol: parsed.protocol,
          hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: parsed.port,
          path: `${parsed.pathname}${parsed.search}`,
          agent: secure ? agents['https:'] : agents['http:'],
        },
      };
      targets.set(url, target);
    }
    return target;
  };
  const inFlight = new Map<string, Promise<SubgraphAnswer>>();

  const post = (url: string, method: string, request: SubgraphRequest, retried: boolean): Promise<SubgraphAnswer> =>
    new Promise<SubgraphAnswer>((resolve, reject) => {
      const fail = (error: NodeJS.ErrnoException) => {
        if (!request.idempotent && !(error.code && notSent.has(error.code))) {
          reject(new SubgraphOutcomeUnknownError(`${error.message}; it was not sent again and may have been applied`));
          return;
        }
        reject(error instanceof SubgraphUnreachableError ? error : new SubgraphUnreachableError(error.message));
      };
      const { transport, options } = targetOf(url);
      const outgoing = transport.request({ ...options, method, headers: request.headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: response.headers,
            body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
          }),
        );
      });
      outgoing.setTimeout(timeoutMs, () =>
        outgoing.destroy(new SubgraphUnreachableError(`no answer within ${timeoutMs} ms`)),
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        // The keep-alive race: the subgraph closed the connection as we reused it, before or after reading the request.
        if (request.idempotent && !retried && outgoing.reusedSocket && error.code === 'ECONNRESET') {
          onFetch?.('retried');
          post(url, method, request, true).then(resolve, reject);
          return;
        }
        fail(error);
      });
      outgoing.end(request.body);
    });

  const send = (url: string, request: SubgraphRequest): Promise<SubgraphAnswer> => {
    if (!request.idempotent) {
      onFetch?.('sent');
      return post(url, 'POST', request, false);
    }
    const key = mergeKey(url, request);
    const known = inFlight.get(key);
    if (known) {
      onFetch?.('merged');
      return known;
    }
    onFetch?.('sent');
    const answer = post(url, 'POST', request, false);
    inFlight.set(key, answer);
    const forget = () => inFlight.delete(key);
    answer.then(forget, forget);
    return answer;
  };

  return {
    send,
    fetch: async (url, init) => {
      const body = init?.body ?? '';
      const request = {
        headers: init?.headers ?? {},
        body,
        idempotent: typeof body === 'string' && apolloQueryBody.test(body),
      };
      if (init?.method && init.method !== 'POST') {
        onFetch?.('sent');
        return fetcherResponse(url, await post(url, init.method, { ...request, idempotent: false }, false));
      }
      return fetcherResponse(url, await send(url, request));
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
