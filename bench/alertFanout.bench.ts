// Issue 5: 1,000 WebSocket clients on one alert subscription at the gateway: publish → the last client, and the
// gateway's memory. Baseline in the same run: the same 1,000 clients subscribed straight to the twin subgraph.
import { alertCycles, untilLive, within } from './support/alertCycle.ts';
import {
  alertSubscription,
  percentile,
  round,
  startAlertStack,
  twinOnlySubscription,
} from './support/startAlertStack.ts';
import { isTransition, type Subscriber, subscribe } from './support/subscribeMany.ts';

const env = process.env;
const clients = Number(env.BENCH_CLIENTS ?? 1000);
const rounds = Number(env.BENCH_ROUNDS ?? 30);
const variables = { filter: { containerCodes: ['BOX-0001'], kinds: ['TEMPERATURE_HIGH'] } };

const stack = await startAlertStack('bench_alert_fanout');
const cycles = alertCycles(stack, 'BOX-0001');

/** Times publish → last of `subscribers` for `rounds` alerts (after two warm-up alerts). */
async function fanOut(subscribers: Subscriber[]): Promise<number[]> {
  await untilLive(cycles, subscribers, isTransition);
  const lastMs: number[] = [];
  for (let i = 0; i < rounds + 2; i++) {
    await cycles.begin();
    const raised = subscribers.map((s) => s.nextEvent(isTransition('RAISED')));
    const cleared = subscribers.map((s) => s.nextEvent(isTransition('CLEARED')));
    const publishedAt = performance.now();
    await cycles.raise();
    const arrivals = await within(Promise.all(raised), 30_000, 'RAISED at every client');
    if (i >= 2) lastMs.push(Math.max(...arrivals) - publishedAt);
    await cycles.clear();
    await within(Promise.all(cleared), 30_000, 'CLEARED at every client');
  }
  return lastMs.sort((a, b) => a - b);
}

try {
  const idle = await stack.gatewayMemory();
  const viaGateway = Array.from({ length: clients }, () =>
    subscribe(stack.gatewayUrl, { authorization: `Bearer ${stack.token}` }, alertSubscription, variables),
  );
  const gatewayMs = await fanOut(viaGateway);
  const loaded = await stack.gatewayMemory();
  await Promise.all(viaGateway.map((s) => s.dispose()));

  const twinIdentity = await stack.twinIdentity();
  const direct = Array.from({ length: clients }, () =>
    subscribe(stack.twinUrl, twinIdentity, twinOnlySubscription, variables),
  );
  const directMs = await fanOut(direct);
  await Promise.all(direct.map((s) => s.dispose()));

  const p50 = percentile(gatewayMs, 50);
  const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
  console.log(
    JSON.stringify({
      bench: 'alertFanout',
      clients,
      rounds,
      lastClientP50Ms: round(p50),
      lastClientP99Ms: round(percentile(gatewayMs, 99)),
      baselineTwinDirectP50Ms: round(percentile(directMs, 50)),
      baselineTwinDirectP99Ms: round(percentile(directMs, 99)),
      ratioP50: round(p50 / percentile(directMs, 50)),
      gatewayRssMbIdle: mb(idle.rssBytes),
      gatewayRssMbWithClients: mb(loaded.rssBytes),
      gatewayHeapMbIdle: mb(idle.heapBytes),
      gatewayHeapMbWithClients: mb(loaded.heapBytes),
      targetMs: 100,
      meetsTarget: p50 < 100,
    }),
  );
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await stack.stop();
}
process.exit();
