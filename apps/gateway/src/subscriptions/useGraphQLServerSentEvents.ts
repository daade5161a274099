import type { ApolloServer } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import { type ExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { TokenVerifier } from '../auth/index.ts';
import type { GatewayContext } from '../IdentityForwardingDataSource.ts';
import {
  type ConnectionLimits,
  type OperationGuard,
  rateLimitKey,
  type SharedLimits,
  subscriptionLimitError,
} from '../limits/index.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { LoadedSupergraph } from '../supergraph/loadSupergraph.ts';
import { authenticateConnection } from './authenticateConnection.ts';
import type { SubscriptionHub } from './createSubscriptionHub.ts';
import { endAtExpiry } from './endAtExpiry.ts';
import { executeThroughApollo } from './executeThroughApollo.ts';
import type { ErrorMask } from './maskErrors.ts';
import { type OperationRequest, prepareOperation } from './prepareOperation.ts';
import { resultCursor, serializeResult } from './serializeResult.ts';
import { slowConsumerGraceMs, slowConsumerMessage } from './slowConsumer.ts';
import { waitAtMost } from './waitAtMost.ts';

export interface ServerSentEventsOptions {
  verify: TokenVerifier;
  hub: SubscriptionHub;
  apollo: ApolloServer<GatewayContext>;
  supergraph(): LoadedSupergraph;
  guard: OperationGuard;
  connectionLimits: ConnectionLimits;
  sharedLimits: SharedLimits;
  metrics: GatewayMetrics;
  mask: ErrorMask;
  /** How long close() waits for streams to flush their end before dropping their connections. */
  closeTimeoutMs?: number;
  /** Comment line sent this often so proxies keep an idle stream open (default 12 s, as graphql-sse). */
  pingIntervalMs?: number;
}

export interface ServerSentEvents {
  /** Serves requests that accept `text/event-stream`; passes the others on. */
  handle: RequestHandler;
  /**
   * Refuses new streams and ends every subscription stream without a `complete` event, which graphql-sse clients
   * with retries take as a lost connection: they reconnect (to another instance) and subscribe again.
   */
  close(): Promise<void>;
}

function requestOf(req: Request): OperationRequest | undefined {
  const source: unknown = req.method === 'GET' ? req.query : req.body;
  if (!source || typeof source !== 'object') return undefined;
  const { query, variables, operationName } = source as Record<string, unknown>;
  if (typeof query !== 'string') return undefined;
  let parsedVariables: unknown = variables ?? null;
  if (typeof variables === 'string') {
    try {
      parsedVariables = JSON.parse(variables);
    } catch {
      return undefined;
    }
  }
  if (parsedVariables !== null && (typeof parsedVariables !== 'object' || Array.isArray(parsedVariables))) {
    return undefined;
  }
  return {
    query,
    variables: parsedVariables as Record<string, unknown> | null,
    operationName: typeof operationName === 'string' ? operationName : null,
  };
}

/** `Last-Event-ID` (sent by EventSource on reconnect, or by hand): the cursor to resume after. */
function lastEventId(req: Request): string | undefined {
  const id = req.headers['last-event-id'];
  return typeof id === 'string' && id.length > 0 && id.length <= 4096 ? id : undefined;
}

/**
 * Server-Sent Events on `/graphql` for clients that accept `text/event-stream`, in graphql-sse's distinct-connections
 * format (`event: next` with a result, `event: complete`), so graphql-sse clients and plain `EventSource`/curl both
 * work. An event of a resumable stream carries its cursor as the SSE `id`, and `Last-Event-ID` resumes after it.
 * Results are written only as fast as the client reads (`drain`); one that falls behind its buffer's limit gets a
 * SLOW_CONSUMER error event and loses its connection.
 */
export function useGraphQLServerSentEvents(options: ServerSentEventsOptions): ServerSentEvents {
  const streams = new Set<Response>();
  let closing = false;
  const { connectionLimits: caps, sharedLimits: limits } = options;
  const pingIntervalMs = options.pingIntervalMs ?? 12_000;
  const maskAll = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) => options.mask(e instanceof GraphQLError ? e.toJSON() : (e as GraphQLFormattedError), e));
  const refuse = (res: Response, status: number, errors: GraphQLError[]) => {
    res.status(status).json({ errors: maskAll(errors) });
  };
  // Whatever leaves on a stream is masked: a code and an error id, the detail only in the gateway's log.
  const eventOf = (result: ExecutionResult): string => {
    const data = result.errors?.length
      ? JSON.stringify({ ...result, errors: maskAll(result.errors) })
      : serializeResult(result);
    const cursor = resultCursor(result);
    const id = cursor && !/[\r\n]/.test(cursor) ? `id: ${cursor}\n` : '';
    return `${id}event: next\ndata: ${data}\n\n`;
  };

  /** Opens the event stream; `write` never throws and never writes to a stream that is gone. */
  const open = (res: Response) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    streams.add(res);
    let gone = false;
    let drained: (() => void) | undefined;
    res.once('close', () => {
      gone = true;
      streams.delete(res);
      drained?.();
    });
    res.on('drain', () => drained?.());
    const writable = () => !gone && !res.destroyed && !res.writableEnded;
    const write = (chunk: string) => writable() && res.write(chunk);
    // Some browsers show nothing until the first bytes arrive.
    write(':\n\n');
    return {
      write,
      writable,
      gone: () => gone,
      /** Resolves once the client has taken what was written, or is gone. */
      drain: () =>
        new Promise<void>((resolve) => {
          if (!writable() || !res.writableNeedDrain) resolve();
          else drained = resolve;
        }).finally(() => {
          drained = undefined;
        }),
      end: () => {
        if (writable()) res.end();
      },
    };
  };

  const serve = async (req: Request, res: Response) => {
    if (closing) {
      refuse(res, 503, [
        new GraphQLError('the gateway is restarting; subscribe again', { extensions: { code: 'SERVICE_RESTART' } }),
      ]);
      return;
    }
    const auth = await authenticateConnection(options.verify, req.headers.authorization);
    if (!auth.ok) {
      refuse(res, auth.status, [
        new GraphQLError(auth.reason, { extensions: { code: auth.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN' } }),
      ]);
      return;
    }
    const request = requestOf(req);
    if (!request) {
      refuse(res, 400, [
        new GraphQLError('the request has no query (or its variables are not an object)', {
          extensions: { code: 'BAD_REQUEST' },
        }),
      ]);
      return;
    }
    const prepared = prepareOperation(options.supergraph(), request, options.guard);
    if (prepared.kind === 'invalid') {
      refuse(res, 400, prepared.errors);
      return;
    }
    if (prepared.kind === 'execute') {
      // A GET can be made by a link or an EventSource: it never changes anything (graphql-sse's rule too).
      if (req.method === 'GET' && prepared.operation.operation === 'mutation') {
        res.setHeader('allow', 'POST');
        refuse(res, 405, [new GraphQLError('mutations are sent with POST', { extensions: { code: 'BAD_REQUEST' } })]);
        return;
      }
      const result = await executeThroughApollo(options.apollo, request, auth.identity);
      const stream = open(res);
      stream.write(eventOf(result));
      stream.write('event: complete\ndata:\n\n');
      stream.end();
      return;
    }
    // Each stream is one subscription of its identity, counted with its WebSocket subscriptions.
    const holder = rateLimitKey(auth.identity, req.socket.remoteAddress);
    const lease = limits.newLease();
    if (!(await limits.acquire('subscriptions', holder, lease, caps.maxSubscriptionsPerIdentity))) {
      refuse(res, 429, [subscriptionLimitError('identity', caps.maxSubscriptionsPerIdentity)]);
      return;
    }
    // The client may have gone while its place was being taken.
    if (req.socket.destroyed) {
      limits.release('subscriptions', holder, lease);
      return;
    }
    const stream = open(res);
    options.metrics.activeSubscriptions.inc({ transport: 'sse' });
    let slow = false;
    const after = lastEventId(req);
    const results = endAtExpiry(
      options.hub.subscribe(prepared.plan, auth.identity, {
        ...(after === undefined ? {} : { after }),
        onClose: () => {
          options.metrics.activeSubscriptions.dec({ transport: 'sse' });
          limits.release('subscriptions', holder, lease);
        },
        onSlowConsumer: () => {
          slow = true;
          options.metrics.slowConsumers.inc({ transport: 'sse' });
          const error = new GraphQLError(slowConsumerMessage, { extensions: { code: 'SLOW_CONSUMER' } });
          // Best effort: a client that stopped reading will not see it; its connection goes after the grace.
          stream.write(eventOf({ errors: [error] }));
          stream.end();
          setTimeout(() => res.destroy(), slowConsumerGraceMs).unref();
        },
      }),
      auth.identity.expiresAt,
    );
    res.once('close', () => void results.return?.());
    const ping = setInterval(() => {
      if (!res.writableNeedDrain) stream.write(':\n\n');
    }, pingIntervalMs);
    try {
      for (;;) {
        const step = await results.next();
        if (step.done || stream.gone()) break;
        if (!stream.write(eventOf(step.value))) await stream.drain();
      }
      // Ended by the subscription itself (not the client, a shutdown or a drop): graphql-sse's end of stream.
      if (!slow && stream.writable()) {
        stream.write('event: complete\ndata:\n\n');
        stream.end();
      }
    } finally {
      clearInterval(ping);
      await results.return?.();
    }
  };

  return {
    handle: (req, res, next) => {
      if (!req.headers.accept?.includes('text/event-stream')) {
        next();
        return;
      }
      serve(req, res).catch(next);
    },
    async close() {
      closing = true;
      const open = [...streams];
      const gone = open.map((stream) => new Promise<void>((resolve) => stream.once('close', () => resolve())));
      // Ending the response (not the results) sends no `complete`; ending the connection too keeps the client's
      // retry off this instance's kept-alive socket.
      for (const stream of open) {
        const socket = stream.socket;
        stream.end(() => socket?.end());
      }
      await waitAtMost(Promise.all(gone), options.closeTimeoutMs ?? 1000);
      for (const stream of streams) stream.destroy();
      await Promise.all(gone);
    },
  };
}
