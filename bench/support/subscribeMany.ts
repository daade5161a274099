import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscriber {
  /** Resolves with performance.now() when the next event matching `accept` arrives. */
  nextEvent(accept: (data: Record<string, unknown>) => boolean): Promise<number>;
  /** Forgets waiters whose event never came (a warm-up cycle published before the subscription was live). */
  reset(): void;
  dispose(): Promise<void>;
}

/** One graphql-ws client (its own socket) with one subscription; events are timed on arrival. */
export function subscribe(
  httpUrl: string,
  connectionParams: Record<string, unknown>,
  query: string,
  variables: Record<string, unknown>,
): Subscriber {
  const waiting: { accept: (data: Record<string, unknown>) => boolean; resolve: (at: number) => void }[] = [];
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
  });
  client.subscribe(
    { query, variables },
    {
      next: (result) => {
        const at = performance.now();
        const data = result.data as Record<string, unknown> | undefined;
        if (!data) return;
        const index = waiting.findIndex((w) => w.accept(data));
        if (index !== -1) waiting.splice(index, 1)[0]?.resolve(at);
      },
      error: (error) => console.error('subscription error', error),
      complete: () => {},
    },
  );
  return {
    nextEvent: (accept) => new Promise((resolve) => waiting.push({ accept, resolve })),
    reset: () => {
      waiting.length = 0;
    },
    dispose: async () => {
      await client.dispose();
    },
  };
}

export const isTransition = (transition: string) => (data: Record<string, unknown>) =>
  (data.alertEvents as { transition?: string } | undefined)?.transition === transition;
