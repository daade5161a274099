// Issue 11, acceptance 2: 100 stalled clients (50 WebSocket, 50 SSE) and 10 healthy ones under 500 alert events/s
// for 2 minutes. Healthy clients get every event; the gateway's RSS (the measure) and its heap after a full GC
// (what it retains) stay within 25 % of their values with the healthy ones only; the stalled ones are disconnected as
// slow consumers (4008 / a SLOW_CONSUMER event, counted by the gateway).
import { inspectProcess } from './support/inspectProcess.ts';
import { stalledClients } from './support/stalledClientsScenario.ts';
import { startAlertStack } from './support/startAlertStack.ts';

const env = process.env;
const perSecond = Number(env.BENCH_EVENTS_PER_SECOND ?? 500);
const stalledSeconds = Number(env.BENCH_SECONDS ?? 120);
const baselineSeconds = Number(env.BENCH_BASELINE_SECONDS ?? 30);
const stalledEach = Number(env.BENCH_STALLED_PER_TRANSPORT ?? 50);
const healthyEach = Number(env.BENCH_HEALTHY_PER_TRANSPORT ?? 5);

const stack = await startAlertStack('bench_stalled', { inspectGateway: true });
const gateway = await inspectProcess(stack.gatewayInspectorPort as number, stack.gatewayPid);
try {
  const outcome = await stalledClients(stack, {
    healthyWebSockets: healthyEach,
    healthySse: healthyEach,
    stalledWebSockets: stalledEach,
    stalledSse: stalledEach,
    perSecond,
    baselineSeconds,
    stalledSeconds,
    containers: 200,
    // The stalled clients subscribe what the healthy ones do: one upstream, their sockets fill at the storm's pace.
    stalledSelection: 'same',
    inspector: gateway,
  });
  const passed =
    outcome.healthy.every((c) => c.complete) &&
    outcome.slowConsumers.ws === stalledEach &&
    outcome.slowConsumers.sse === stalledEach &&
    // The measure is RSS; the heap after a full GC says whether growth is retention or allocator slack.
    outcome.rssGrowth < 0.25 &&
    (outcome.heapGrowth ?? Number.NaN) < 0.25;
  console.log(
    JSON.stringify({
      bench: 'stalledClients',
      perSecond,
      stalledSeconds,
      baselineSeconds,
      ...outcome,
      healthy: outcome.healthy.map((c) => `${c.transport}:${c.received}${c.complete ? '' : ' INCOMPLETE'}`),
      passed,
    }),
  );
  if (!passed) {
    console.error(`the gateway's log, last 8,000 characters:\n${stack.gatewayOutput().slice(-8000)}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await gateway.close();
  await stack.stop();
}
