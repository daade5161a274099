// A child process of startSubscriberFleet: its share of the clients, and when each awaited event reached all of them.
import { type FleetCommand, type FleetReport, isTransition, type Subscriber, subscribe } from './subscribeMany.ts';

const report = (message: FleetReport) => process.send?.(message);
// Opening thousands of sockets at once overflows the server's accept backlog (SYN retries cost a second or more).
const connectBatch = 100;

let subscribers: Subscriber[] = [];

async function start(options: Extract<FleetCommand, { type: 'start' }>['options']) {
  for (let opened = 0; opened < options.clients; opened += connectBatch) {
    const batch = Math.min(connectBatch, options.clients - opened);
    const acknowledged: Promise<void>[] = [];
    for (let i = 0; i < batch; i++) {
      acknowledged.push(
        new Promise<void>((resolve, reject) => {
          subscribers.push(
            subscribe(options.httpUrl, options.connectionParams, options.query, options.variables, {
              onConnected: resolve,
              onClosed: (event) => {
                const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
                reject(new Error(`a client's socket closed (${code} ${reason})`));
              },
            }),
          );
        }),
      );
    }
    await Promise.all(acknowledged);
  }
  report({ type: 'connected', clients: subscribers.length });
}

async function awaitEverywhere(wait: number, transition: string) {
  const accept = isTransition(transition);
  const everywhere = Promise.all(subscribers.map((s) => s.nextEvent(accept)));
  report({ type: 'waiting', wait });
  const arrivals = await everywhere;
  let firstAt = Number.POSITIVE_INFINITY;
  let lastAt = 0;
  for (const at of arrivals) {
    if (at < firstAt) firstAt = at;
    if (at > lastAt) lastAt = at;
  }
  report({ type: 'arrived', wait, firstAt, lastAt, clients: arrivals.length });
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
      awaitEverywhere(command.wait, command.transition).catch(fail);
      break;
    case 'reset':
      for (const s of subscribers) s.reset();
      break;
    case 'dispose':
      Promise.all(subscribers.map((s) => s.dispose()))
        .catch(() => {})
        .finally(() => {
          subscribers = [];
          process.exit(0);
        });
      break;
  }
});
