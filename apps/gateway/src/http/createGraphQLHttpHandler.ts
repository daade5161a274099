import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { Identity } from '@bst/identity';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { AuthenticationError, type TokenVerifier } from '../auth/index.ts';
import type { GatewayContext } from '../IdentityForwardingDataSource.ts';
import { type OperationGuard, rateLimitRefusal, type SharedLimits } from '../limits/index.ts';
import { operationOfHttpRequest } from './operationOfHttpRequest.ts';
import { readJsonBody } from './readJsonBody.ts';

export interface GraphQLHttpOptions {
  apollo: ApolloServer<GatewayContext>;
  verify: TokenVerifier;
  sharedLimits: SharedLimits;
  guard: OperationGuard;
  schema(): GraphQLSchema;
  mask(error: GraphQLFormattedError, original?: unknown): GraphQLFormattedError;
  maxBodyBytes: number;
}

export type GraphQLHttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** `/graphql` over plain HTTP; Server-Sent Events streams (`Accept: text/event-stream`) are not plain HTTP. */
export function isPlainGraphQLRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return (path === '/graphql' || path === '/graphql/') && !req.headers.accept?.includes('text/event-stream');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/**
 * GraphQL over HTTP on node:http straight to Apollo Server: the token verified once for the rate limit and the
 * context, the limits checked before Apollo parses, the answer written in one piece. Express and its router cost
 * ~0.2 ms of CPU per request here, more than auth, limits and metrics together; it keeps serving everything else.
 */
export function createGraphQLHttpHandler(options: GraphQLHttpOptions): GraphQLHttpHandler {
  const { apollo, verify, sharedLimits, guard, mask, maxBodyBytes } = options;
  const refuse = (res: ServerResponse, status: number, message: string, code: string) =>
    sendJson(res, status, { errors: [mask({ message, extensions: { code } })] });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // Verified once: the rate limit's bucket and the context's identity. A refused token is answered by the context
    // (401) after the rate limit and the limits had their say; any other failure is ours (500).
    const auth: Promise<{ identity: Identity } | { refused: string }> = verify(req.headers.authorization).then(
      (identity) => ({ identity }),
      (error: unknown) => {
        if (error instanceof AuthenticationError) return { refused: error.message };
        throw error;
      },
    );
    auth.catch(() => {});
    if (sharedLimits.rateLimit) {
      const known = await auth;
      const refusal = await rateLimitRefusal(
        sharedLimits,
        'identity' in known ? known.identity : undefined,
        req.socket.remoteAddress,
      );
      if (refusal) {
        sendJson(res, refusal.status, refusal.body, { 'retry-after': String(refusal.retryAfterSeconds) });
        return;
      }
    }
    const reading = await readJsonBody(req, maxBodyBytes);
    if (reading.kind === 'refused') {
      refuse(res, reading.status, reading.message, reading.code);
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '';
    const search = url.includes('?') ? url.slice(url.indexOf('?')) : '';
    const body = reading.kind === 'json' ? reading.body : undefined;
    const operation = operationOfHttpRequest(body, search, method);
    const limited = operation ? guard.check(options.schema(), operation) : null;
    if (limited) {
      sendJson(res, 400, { errors: [mask(limited.toJSON(), limited)] });
      return;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search, body },
      context: async () => {
        const known = await auth;
        if ('identity' in known) return { identity: known.identity };
        throw new GraphQLError(known.refused, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      },
    });
    const outgoing: Record<string, string> = {};
    for (const [name, value] of response.headers) outgoing[name] = value;
    if (response.body.kind === 'complete') {
      outgoing['content-length'] = String(Buffer.byteLength(response.body.string));
      res.writeHead(response.status ?? 200, outgoing);
      res.end(response.body.string);
      return;
    }
    res.writeHead(response.status ?? 200, outgoing);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Anything else is ours: a code and an error id for the client, the detail in the log.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, 500, { errors: [mask({ message: String(error), extensions: {} }, error)] });
    });
  };
}
