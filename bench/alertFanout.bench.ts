// Issues 5 and 12: N WebSocket clients (1,000 and 10,000 by default) on one alert subscription at the gateway: the MQTT
// publish → the event at the LAST client, and the gateway's memory per connected client. The clients run in child
// processes (one per core) that report arrival times on the wall clock, so neither this process nor the gateway does
// their work. Baseline in the same run: the same clients subscribed straight to the twin subgraph (up to
// BENCH_DIRECT_MAX_CLIENTS, 1,000: the twin keeps one Redis subscription and one execution per client).
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { alertCycles, within } from './support/alertCycle.ts';
import { type InspectedProcess, inspectProcess } from './support/inspectProcess.ts';
import { processCpuMs } from './support/processCpu.ts';
import {
  alertSubscription,
  percentile,
  round,
  startAlertStack,
  twinOnlySubscription,
} from './support/startAlertStack.ts';
import {
  type FleetOptions,
  pinToCpus,
  type SubscriberFleet,
  startSubscriberFleet,
  wallClock,
} from './support/subscribeMany.ts';

const env = process.env;
const clientCounts = (env.BENCH_CLIENTS ?? '1000,10000').split(',').map(Number);
const rounds = Number(env.BENCH_ROUNDS ?? 30);
const directMaxClients = Number(env.BENCH_DIRECT_MAX_CLIENTS ?? 1000);
const processes = env.BENCH_CLIENT_PROCESSES ? Number(env.BENCH_CLIENT_PROCESSES) : undefined;
// `lean` (default): the bench's minimal graphql-ws client; `graphql-ws`: graphql-ws's own client (see FleetOptions).
const clientMode = env.BENCH_CLIENT === 'graphql-ws' ? 'graphql-ws' : 'lean';
// Set (e.g. `0:1`): the gateway (all its threads) on the first CPU list, the client processes on the second.
const [gatewayCpus, clientCpus] = env.BENCH_PIN ? env.BENCH_PIN.split(':') : [];
// Where to write the gateway's .cpuprofile (the measured rounds) and .heapsnapshot (clients connected), if set.
const profileDir = env.BENCH_PROFILE_DIR;
const variables = { filter: { containerCodes: ['BOX-0001'], kinds: ['TEMPERATURE_HIGH'] } };
const targetP99Ms = 250;
const targetBytesPerClient = 50 * 1024;

// The inspector (attached only to read memory after a full GC, or to profile) costs nothing while detached.
// The gateway's SUBSCRIPTION_CLIENTS_PER_TURN (its default unless set): for an A/B of its delivery turn.
const clientsPerTurn = env.BENCH_CLIENTS_PER_TURN;
const stack = await startAlertStack('bench_alert_fanout', {
  inspectGateway: true,
  ...(clientsPerTurn ? { gatewayEnv: { SUBSCRIPTION_CLIENTS_PER_TURN: clientsPerTurn } } : {}),
});
if (gatewayCpus) pinToCpus(stack.gatewayPid, gatewayCpus);
const cycles = alertCycles(stack, 'BOX-0001');

/** Alert cycles until every client has seen a RAISED and a CLEARED (subscriptions go live asynchronously). */
async function untilLive(fleet: SubscriberFleet): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await cycles.begin();
    const arrivals = await fleet.expect(['RAISED', 'CLEARED']);
    await cycles.raise();
    await cycles.clear();
    try {
      await within(Promise.all(arrivals), 5000 + fleet.clients, 'warm-up events');
      return;
    } catch {
      fleet.reset();
    }
  }
  throw new Error('subscriptions never became live');
}

/**
 * Asks the gateway's /health every 20 ms until stopped: how long the gateway keeps other work waiting while it
 * writes an event to every client (it answers between turns of clients).
 */
function probeHealth(gatewayUrl: string) {
  const url = new URL('/health', gatewayUrl);
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      // A refused or reset request counts as the longest wait, not as a failed run.
      await fetch(url)
        .then((response) => response.arrayBuffer())
        .then(
          () => times.push(performance.now() - started),
          () => times.push(Number.POSITIVE_INFINITY),
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return times.sort((a, b) => a - b);
  };
}

/** Times publish → first and last client for `rounds` alerts (after two warm-up alerts), sorted. */
async function fanOut(fleet: SubscriberFleet, gateway?: InspectedProcess) {
  await untilLive(fleet);
  const lastMs: number[] = [];
  const firstMs: number[] = [];
  let cpuAtStart = 0;
  let clientCpuAtStart = 0;
  const clientCpuMs = () => fleet.pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  let stopProbe: (() => Promise<number[]>) | undefined;
  let eventsAtStart = 0;
  for (let i = 0; i < rounds + 2; i++) {
    if (i === 2 && gateway && profileDir) await gateway.startCpuProfile();
    if (i === 2) {
      stopProbe = probeHealth(stack.gatewayUrl);
      cpuAtStart = processCpuMs(stack.gatewayPid);
      clientCpuAtStart = clientCpuMs();
      eventsAtStart = fleet.eventsReceived();
    }
    await cycles.begin();
    const [raised, cleared] = (await fleet.expect(['RAISED', 'CLEARED'])) as [
      Promise<{ firstAt: number; lastAt: number }>,
      Promise<unknown>,
    ];
    const publishedAt = wallClock();
    await cycles.raise();
    const arrivals = await within(raised, 30_000, 'RAISED at every client');
    if (i >= 2) {
      lastMs.push(arrivals.lastAt - publishedAt);
      firstMs.push(arrivals.firstAt - publishedAt);
    }
    await cycles.clear();
    await within(cleared, 30_000, 'CLEARED at every client');
  }
  // Each round sends two events (RAISED, CLEARED) to every client.
  const gatewayCpuMsPerEvent = (processCpuMs(stack.gatewayPid) - cpuAtStart) / (rounds * 2);
  const clientsCpuMsPerEvent = (clientCpuMs() - clientCpuAtStart) / (rounds * 2);
  const healthMs = (await stopProbe?.()) ?? [];
  // Every client must have had each measured event exactly once: a lost, doubled or stray `next` fails the run.
  const eventsReceived = fleet.eventsReceived() - eventsAtStart;
  if (eventsReceived !== fleet.clients * rounds * 2) {
    throw new Error(`the clients received ${eventsReceived} events, not ${fleet.clients} × ${rounds * 2}`);
  }
  if (gateway && profileDir) {
    await gateway.stopCpuProfile(join(profileDir, `gateway-fanout-${fleet.clients}.cpuprofile`));
  }
  return {
    lastMs: lastMs.sort((a, b) => a - b),
    firstMs: firstMs.sort((a, b) => a - b),
    gatewayCpuMsPerEvent,
    clientsCpuMsPerEvent,
    healthMs,
    eventsReceived,
  };
}

const twinIdentity = await stack.twinIdentity();
const fleetOf = (clients: number, direct: boolean): Promise<SubscriberFleet> => {
  const options: FleetOptions = direct
    ? { httpUrl: stack.twinUrl, connectionParams: twinIdentity, query: twinOnlySubscription, variables, clients }
    : {
        httpUrl: stack.gatewayUrl,
        connectionParams: { authorization: `Bearer ${stack.token}` },
        query: alertSubscription,
        variables,
        clients,
      };
  return startSubscriberFleet({
    ...options,
    client: clientMode,
    ...(processes ? { processes } : {}),
    ...(clientCpus ? { cpus: clientCpus } : {}),
  });
};

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
let gateway: InspectedProcess | undefined;
try {
  gateway = await inspectProcess(stack.gatewayInspectorPort as number, stack.gatewayPid);
  for (const clients of clientCounts) {
    const idle = await gateway.memoryAfterGc();
    const viaGateway = await fleetOf(clients, false);
    const { lastMs, firstMs, gatewayCpuMsPerEvent, clientsCpuMsPerEvent, healthMs, eventsReceived } = await fanOut(
      viaGateway,
      gateway,
    );
    const loaded = await gateway.memoryAfterGc();
    if (profileDir) await gateway.writeHeapSnapshot(join(profileDir, `gateway-fanout-${clients}.heapsnapshot`));
    await viaGateway.dispose();

    let direct: { p50: number; p99: number } | string = `skipped: more than ${directMaxClients} clients`;
    if (clients <= directMaxClients) {
      const fleet = await fleetOf(clients, true);
      const directMs = (await fanOut(fleet)).lastMs;
      await fleet.dispose();
      direct = { p50: percentile(directMs, 50), p99: percentile(directMs, 99) };
    }

    const p50 = percentile(lastMs, 50);
    const p99 = percentile(lastMs, 99);
    const rssPerClient = (loaded.rssBytes - idle.rssBytes) / clients;
    const heapPerClient = (loaded.heapBytes - idle.heapBytes) / clients;
    console.log(
      JSON.stringify({
        bench: 'alertFanout',
        clients,
        rounds,
        clientProcesses: processes ?? 'one per core',
        client: clientMode,
        pinned: env.BENCH_PIN ? { gateway: gatewayCpus, clients: clientCpus } : 'no',
        eventsReceived,
        clientsPerTurn: clientsPerTurn ?? 'default',
        lastClientP50Ms: round(p50),
        lastClientP99Ms: round(p99),
        lastClientMaxMs: round(lastMs.at(-1) ?? Number.NaN),
        firstClientP50Ms: round(percentile(firstMs, 50)),
        // The gateway process's CPU (user + system, /proc) per event sent to all the clients, and per client.
        gatewayCpuMsPerEvent: round(gatewayCpuMsPerEvent, 1),
        gatewayCpuMicrosPerClientEvent: round((gatewayCpuMsPerEvent * 1000) / clients, 1),
        // The client processes' CPU for the same events: they share the machine's cores with the gateway.
        clientsCpuMsPerEvent: round(clientsCpuMsPerEvent, 1),
        clientsCpuMicrosPerClientEvent: round((clientsCpuMsPerEvent * 1000) / clients, 1),
        // GET /health during the measured rounds, every 20 ms: how long other requests wait behind a fan-out.
        healthP99Ms: round(percentile(healthMs, 99)),
        healthMaxMs: round(healthMs.at(-1) ?? Number.NaN),
        loadAverage: loadavg().map((l) => round(l, 1)),
        ...(typeof direct === 'string'
          ? { baselineTwinDirect: direct }
          : {
              baselineTwinDirectP50Ms: round(direct.p50),
              baselineTwinDirectP99Ms: round(direct.p99),
              ratioP50: round(p50 / direct.p50),
            }),
        gatewayRssMbIdle: mb(idle.rssBytes),
        gatewayRssMbWithClients: mb(loaded.rssBytes),
        gatewayHeapMbIdle: mb(idle.heapBytes),
        gatewayHeapMbWithClients: mb(loaded.heapBytes),
        rssBytesPerClient: Math.round(rssPerClient),
        heapBytesPerClient: Math.round(heapPerClient),
        targetP99Ms,
        targetBytesPerClient,
        meetsTarget: p99 < targetP99Ms && rssPerClient < targetBytesPerClient,
      }),
    );
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await gateway?.close();
  await stack.stop();
}
process.exit();
