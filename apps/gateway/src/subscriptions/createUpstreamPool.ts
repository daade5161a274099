import { GATEWAY_IDENTITY_HEADER, type Identity } from '@bst/identity';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { SealCache } from '../IdentityForwardingDataSource.ts';

export interface UpstreamRetry {
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * One graphql-ws client per subgraph and auth scope: every upstream subscription of that scope is multiplexed over
 * its one socket (500 distinct subscriptions, one socket), opened on the first subscription and closed after the last.
 */
export interface UpstreamPool {
  client(httpUrl: string, scope: Identity): Client;
  /** Sockets open to subgraphs right now. */
  openSockets(): number;
  close(): Promise<void>;
}

export function subgraphWebSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** A close the subgraph means (bad request, refused identity): retrying would only repeat it. */
function isFatalClose(reason: unknown): boolean {
  const code = (reason as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code >= 4400 && code < 4500;
}

export function createUpstreamPool(options: {
  seal: SealCache;
  retry: UpstreamRetry;
  onSocketCountChange?(count: number): void;
}): UpstreamPool {
  const clients = new Map<string, Client>();
  let open = 0;
  const counted = (delta: number) => {
    open += delta;
    options.onSocketCountChange?.(open);
  };
  return {
    client(httpUrl, scope) {
      const key = `${httpUrl}\n${scope.roles.join('+')}`;
      const known = clients.get(key);
      if (known) return known;
      let connected = false;
      const client = createClient({
        url: subgraphWebSocketUrl(httpUrl),
        webSocketImpl: WebSocket,
        lazy: true,
        // A subscription replanned or replaced right after the last one ends keeps the socket.
        lazyCloseTimeout: 1000,
        keepAlive: 10_000,
        retryAttempts: Number.POSITIVE_INFINITY,
        shouldRetry: (reason) => !isFatalClose(reason),
        retryWait: async (retries) => {
          const delay = Math.min(options.retry.maxDelayMs, options.retry.initialDelayMs * 2 ** retries);
          await new Promise((resolve) => setTimeout(resolve, delay * (0.75 + Math.random() / 2)));
        },
        // Sealed at every (re)connect: a subgraph refuses an identity older than its window.
        connectionParams: async () => ({ [GATEWAY_IDENTITY_HEADER]: await options.seal(scope) }),
        on: {
          connected: () => {
            if (connected) return;
            connected = true;
            counted(1);
          },
          // `closed` also fires for a socket that never opened: only a counted one is uncounted.
          closed: () => {
            if (!connected) return;
            connected = false;
            counted(-1);
          },
        },
      });
      clients.set(key, client);
      return client;
    },
    openSockets: () => open,
    async close() {
      const all = [...clients.values()];
      clients.clear();
      await Promise.all(all.map((client) => client.dispose()));
    },
  };
}
