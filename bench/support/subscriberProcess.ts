// A child process of startSubscriberFleet: its share of the clients, and when each awaited event reached all of them.
import { subscribeLean } from './subscribeLean.ts';
import {
  type FleetCommand,
  type FleetReport,
  isTransition,
  type StartOptions,
  subscribe,
  wallClock,
} from './subscribeMany.ts';

const report = (message: FleetReport) => process.send?.(message);
// Opening thousands of sockets at once overflows the server's accept backlog (SYN retries cost a second or more).
const connectBatch = 100;

/** One awaited event: which clients have had it, and when the first and the last did. */
interface Wait {
  wait: number;
  transition: string;
  /** What the lean clients look for in a result's JSON (the event's transition, as the server writes it). */
  marker: Buffer;
  seen: Uint8Array;
  remaining: number;
  firstAt: number;
  lastAt: number;
}

let clients: { dispose(): Promise<void> }[] = [];
let connected = false;
let disposing = false;
let waits: Wait[] = [];
/** Every `next` any client of this process received, awaited or not. */
let events = 0;

/** A client's event, given as a test of each awaited event: it settles the oldest one this client still awaits. */
function arrived(client: number, matches: (wait: Wait) => boolean): void {
  const at = wallClock();
  events++;
  for (let i = 0; i < waits.length; i++) {
    const wait = waits[i] as Wait;
    if (wait.seen[client] || !matches(wait)) continue;
    wait.seen[client] = 1;
    if (at < wait.firstAt) wait.firstAt = at;
    if (at > wait.lastAt) wait.lastAt = at;
    if (--wait.remaining === 0) {
      waits.splice(i, 1);
      const { firstAt, lastAt } = wait;
      report({ type: 'arrived', wait: wait.wait, firstAt, lastAt, clients: clients.length, events });
    }
    return;
  }
}

function open(options: StartOptions, client: number, onConnected: () => void, onFailed: (reason: string) => void) {
  if (options.client === 'graphql-ws') {
    return subscribe(options.httpUrl, options.connectionParams, options.query, options.variables, {
      onConnected,
      onClosed: (event) => {
        const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
        onFailed(`a client's socket closed (${code} ${reason})`);
      },
      onNext: (data) => arrived(client, (wait) => isTransition(wait.transition)(data)),
    });
  }
  return subscribeLean(
    options.httpUrl.replace(/^http/, 'ws'),
    options.connectionParams,
    options.query,
    options.variables,
    {
      onConnected,
      onFailed,
      onNext: (data, start, end) =>
        arrived(client, (wait) => {
          const found = data.indexOf(wait.marker, start);
          return found !== -1 && found + wait.marker.length <= end;
        }),
    },
  );
}

async function start(options: StartOptions) {
  for (let opened = 0; opened < options.clients; opened += connectBatch) {
    const batch = Math.min(connectBatch, options.clients - opened);
    const acknowledged: Promise<void>[] = [];
    for (let i = 0; i < batch; i++) {
      acknowledged.push(
        new Promise<void>((resolve, reject) => {
          clients.push(
            open(options, clients.length, resolve, (reason) => {
              reject(new Error(reason));
              // A client lost once all are connected fails the run (its events would never come).
              if (connected && !disposing) report({ type: 'failed', error: reason });
            }),
          );
        }),
      );
    }
    await Promise.all(acknowledged);
  }
  connected = true;
  report({ type: 'connected', clients: clients.length });
}

process.on('message', (command: FleetCommand) => {
  const fail = (error: unknown) => {
    report({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  };
  switch (command.type) {
    case 'start':
      start(command.options).catch(fail);
      break;
    case 'await':
      waits.push({
        wait: command.wait,
        transition: command.transition,
        marker: Buffer.from(`"transition":${JSON.stringify(command.transition)}`),
        seen: new Uint8Array(clients.length),
        remaining: clients.length,
        firstAt: Number.POSITIVE_INFINITY,
        lastAt: 0,
      });
      report({ type: 'waiting', wait: command.wait });
      break;
    case 'reset':
      waits = [];
      break;
    case 'dispose':
      disposing = true;
      Promise.all(clients.map((c) => c.dispose()))
        .catch(() => {})
        .finally(() => {
          clients = [];
          process.exit(0);
        });
      break;
  }
});
