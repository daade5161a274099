import { execFileSync, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on one machine. */
export const wallClock = () => performance.timeOrigin + performance.now();

export interface Subscriber {
  /** Resolves with wallClock() when the next event matching `accept` arrives. */
  nextEvent(accept: (data: Record<string, unknown>) => boolean): Promise<number>;
  /** Forgets waiters whose event never came (a warm-up cycle published before the subscription was live). */
  reset(): void;
  dispose(): Promise<void>;
}

export interface SubscribeOptions {
  /** Called once the socket is acknowledged (connection_ack), so that a caller can pace its connections. */
  onConnected?(): void;
  /** Called when the socket closes (the client does not retry). */
  onClosed?(event: unknown): void;
  /** Called with every result that has data, as it arrives (besides settling `nextEvent`'s waiters). */
  onNext?(data: Record<string, unknown>): void;
}

/** One graphql-ws client (its own socket) with one subscription; events are timed on arrival. */
export function subscribe(
  httpUrl: string,
  connectionParams: Record<string, unknown>,
  query: string,
  variables: Record<string, unknown>,
  options: SubscribeOptions = {},
): Subscriber {
  const waiting: { accept: (data: Record<string, unknown>) => boolean; resolve: (at: number) => void }[] = [];
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    on: {
      connected: () => options.onConnected?.(),
      closed: (event) => options.onClosed?.(event),
    },
  });
  client.subscribe(
    { query, variables },
    {
      next: (result) => {
        const at = wallClock();
        const data = result.data as Record<string, unknown> | undefined;
        if (!data) return;
        options.onNext?.(data);
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

export interface FleetOptions {
  httpUrl: string;
  connectionParams: Record<string, unknown>;
  query: string;
  variables: Record<string, unknown>;
  clients: number;
  /** Child processes the clients are spread over (default: one per core). */
  processes?: number;
  /**
   * `lean` (default): subscribeLean, which reads frames and finds the awaited transition without parsing; `graphql-ws`:
   * graphql-ws's own client on ws, which parses every message (several times the CPU per event).
   */
  client?: 'lean' | 'graphql-ws';
  /** Pins every child process to these CPUs (`taskset -a -p -c`), so that they do not share the server's cores. */
  cpus?: string;
}

export type StartOptions = Omit<FleetOptions, 'processes' | 'cpus'>;

/** First and last arrival at the clients of one event (wall clock, see wallClock). */
export interface Arrivals {
  firstAt: number;
  lastAt: number;
}

/** What a child process sends: its clients are connected, a wait is registered, or every client saw the event. */
export type FleetReport =
  | { type: 'connected'; clients: number }
  | { type: 'waiting'; wait: number }
  /** `events`: every `next` the process's clients have received so far, awaited or not. */
  | ({ type: 'arrived'; wait: number; clients: number; events: number } & Arrivals)
  | { type: 'failed'; error: string };

/** What the parent asks: wait for the next event with this transition at every client, or forget the waits. */
export type FleetCommand =
  | { type: 'start'; options: StartOptions }
  | { type: 'await'; wait: number; transition: string }
  | { type: 'reset' }
  | { type: 'dispose' };

/** Many clients of one subscription, spread over child processes. */
export interface SubscriberFleet {
  clients: number;
  /** The child processes' ids (to read their CPU time: the clients' share of the machine). */
  pids: number[];
  /**
   * Resolves once every child waits for the next event of each transition (so the event may be published), with one
   * promise per transition: the first and last arrival over all the clients.
   */
  expect(transitions: string[]): Promise<Promise<Arrivals>[]>;
  /** Forgets waits whose event never came (a warm-up cycle published before the subscriptions were live). */
  reset(): void;
  /** Every `next` the clients had received when their processes last reported an event at all their clients. */
  eventsReceived(): number;
  dispose(): Promise<void>;
}

/** Pins a process and all its threads to a CPU list (`0`, `1`, `0-1`): Linux only, needs util-linux's taskset. */
export function pinToCpus(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

const childEntry = fileURLToPath(new URL('./subscriberProcess.ts', import.meta.url));

interface Wait extends Arrivals {
  /** Children that have not yet registered the wait, and that have not yet seen the event at every client. */
  registering: number;
  arriving: number;
  registered(): void;
  arrived(arrivals: Arrivals): void;
}

/**
 * Clients in child processes (so the timing process and the gateway stay free of their work): each child opens its
 * share, paced, and reports when every one of its clients saw an event, with the arrival times on the wall clock.
 */
export async function startSubscriberFleet(options: FleetOptions): Promise<SubscriberFleet> {
  const processes = Math.max(1, Math.min(options.processes ?? availableParallelism(), options.clients));
  const children = Array.from({ length: processes }, () =>
    fork(childEntry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  if (options.cpus) for (const child of children) pinToCpus(child.pid ?? 0, options.cpus);
  const events = children.map(() => 0);
  let nextWait = 0;
  const waits = new Map<number, Wait>();
  let fail: (error: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  let disposing = false;
  const connected = children.map(
    (child, i) =>
      new Promise<void>((resolve) => {
        child.on('message', (message: FleetReport) => {
          if (message.type === 'connected') return resolve();
          if (message.type === 'failed') return fail(new Error(`subscriber process: ${message.error}`));
          const wait = waits.get(message.wait);
          if (message.type === 'arrived') events[i] = message.events;
          if (!wait) return;
          if (message.type === 'waiting') {
            if (--wait.registering === 0) wait.registered();
            return;
          }
          wait.firstAt = Math.min(wait.firstAt, message.firstAt);
          wait.lastAt = Math.max(wait.lastAt, message.lastAt);
          if (--wait.arriving === 0) {
            waits.delete(message.wait);
            wait.arrived({ firstAt: wait.firstAt, lastAt: wait.lastAt });
          }
        });
        child.once('exit', (code) => {
          if (!disposing) fail(new Error(`a subscriber process exited with ${code}`));
        });
      }),
  );
  const { processes: _, cpus: __, ...shared } = options;
  children.forEach((child, i) => {
    const clients = Math.floor(options.clients / processes) + (i < options.clients % processes ? 1 : 0);
    child.send({ type: 'start', options: { ...shared, clients } } satisfies FleetCommand);
  });
  await Promise.race([Promise.all(connected), failed]);

  const expectOne = (transition: string) => {
    const wait = nextWait++;
    let registered!: () => void;
    let arrived!: (arrivals: Arrivals) => void;
    const whenRegistered = new Promise<void>((resolve) => (registered = resolve));
    const whenArrived = new Promise<Arrivals>((resolve) => (arrived = resolve));
    waits.set(wait, {
      registering: children.length,
      arriving: children.length,
      firstAt: Number.POSITIVE_INFINITY,
      lastAt: 0,
      registered,
      arrived,
    });
    for (const child of children) child.send({ type: 'await', wait, transition } satisfies FleetCommand);
    return { whenRegistered, arrival: Promise.race([whenArrived, failed]) };
  };
  return {
    clients: options.clients,
    pids: children.map((child) => child.pid ?? 0),
    async expect(transitions) {
      const expected = transitions.map(expectOne);
      await Promise.race([Promise.all(expected.map((e) => e.whenRegistered)), failed]);
      return expected.map((e) => e.arrival);
    },
    reset() {
      waits.clear();
      for (const child of children) child.send({ type: 'reset' } satisfies FleetCommand);
    },
    eventsReceived: () => events.reduce((sum, n) => sum + n, 0),
    async dispose() {
      disposing = true;
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.send({ type: 'dispose' } satisfies FleetCommand);
            }),
        ),
      );
    },
  };
}
