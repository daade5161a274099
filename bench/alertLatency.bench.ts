// Issue 5: MQTT publish of an out-of-range reading → RAISED at a gateway WebSocket client (container and site
// hydrated from core), under background telemetry. Baseline in the same run: the same event straight from the twin.
import { alertCycles, backgroundTelemetry, untilLive, within } from './support/alertCycle.ts';
import {
  alertSubscription,
  percentile,
  round,
  startAlertStack,
  twinOnlySubscription,
} from './support/startAlertStack.ts';
import { isTransition, subscribe } from './support/subscribeMany.ts';

const env = process.env;
const alerts = Number(env.BENCH_ALERTS ?? 1000);
const backgroundPerSec = Number(env.BENCH_BACKGROUND_PER_SEC ?? 2000);
const warmup = 20;

const stack = await startAlertStack('bench_alert_latency');
try {
  const variables = { filter: { containerCodes: ['BOX-0001'], kinds: ['TEMPERATURE_HIGH'] } };
  const viaGateway = subscribe(
    stack.gatewayUrl,
    { authorization: `Bearer ${stack.token}` },
    alertSubscription,
    variables,
  );
  const direct = subscribe(stack.twinUrl, await stack.twinIdentity(), twinOnlySubscription, variables);
  const cycles = alertCycles(stack, 'BOX-0001');
  await untilLive(cycles, [viaGateway, direct], isTransition);
  const background = backgroundTelemetry(stack, backgroundPerSec);
  const gatewayMs: number[] = [];
  const directMs: number[] = [];
  let achievedPerSec = 0;
  try {
    for (let i = 0; i < warmup + alerts; i++) {
      await cycles.begin();
      const raisedAtGateway = viaGateway.nextEvent(isTransition('RAISED'));
      const raisedAtTwin = direct.nextEvent(isTransition('RAISED'));
      const clearedAtGateway = viaGateway.nextEvent(isTransition('CLEARED'));
      const publishedAt = performance.now();
      await cycles.raise();
      const [atTwin, atGateway] = [
        await within(raisedAtTwin, 30_000, 'RAISED from the twin'),
        await within(raisedAtGateway, 30_000, 'RAISED at the gateway'),
      ];
      if (i >= warmup) {
        gatewayMs.push(atGateway - publishedAt);
        directMs.push(atTwin - publishedAt);
      }
      await cycles.clear();
      await within(clearedAtGateway, 30_000, `CLEARED (alert ${i})`);
    }
  } finally {
    achievedPerSec = background.stop();
  }
  gatewayMs.sort((a, b) => a - b);
  directMs.sort((a, b) => a - b);
  const p99 = percentile(gatewayMs, 99);
  console.log(
    JSON.stringify({
      bench: 'alertLatency',
      alerts,
      p50Ms: round(percentile(gatewayMs, 50)),
      p99Ms: round(p99),
      baselineTwinDirectP50Ms: round(percentile(directMs, 50)),
      baselineTwinDirectP99Ms: round(percentile(directMs, 99)),
      ratioP50: round(percentile(gatewayMs, 50) / percentile(directMs, 50)),
      backgroundTargetPerSec: backgroundPerSec,
      backgroundAchievedPerSec: Math.round(achievedPerSec),
      targetP99Ms: 50,
      meetsTarget: p99 < 50,
    }),
  );
  await Promise.all([viaGateway.dispose(), direct.dispose()]);
} catch (error) {
  console.error(`alertLatency failed after the warm-up with ${backgroundPerSec} readings/s of background:`, error);
  process.exitCode = 1;
} finally {
  await stack.stop();
}
process.exit();
