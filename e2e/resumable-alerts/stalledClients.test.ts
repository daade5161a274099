import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InspectedProcess, inspectProcess } from '../../bench/support/inspectProcess.ts';
import { stalledClients } from '../../bench/support/stalledClientsScenario.ts';
import { type AlertStack, startAlertStack } from '../../bench/support/startAlertStack.ts';

// The bench (`npm run bench -- stalled`) runs 100 stalled and 10 healthy clients at 500 events/s for 2 minutes; here
// 10 and 2 at 150/s for a few seconds, the stalled ones on a heavy selection so that their sockets fill sooner.
describe('stalled clients are dropped, healthy ones get everything, the gateway’s memory stays put (issue 11, acceptance 2)', () => {
  let stack: AlertStack;
  let gateway: InspectedProcess;
  beforeAll(async () => {
    stack = await startAlertStack('e2e_stalled', {
      gatewayEnv: { SUBSCRIPTION_CLIENT_BUFFER_EVENTS: '100' },
      inspectGateway: true,
    });
    gateway = await inspectProcess(stack.gatewayInspectorPort as number, stack.gatewayPid);

    // Core, twin, bridge and gateway start as processes: a busy machine takes a minute or more.
  }, 180_000);
  afterAll(async () => {
    await gateway?.close();
    await stack?.stop();
  }, 60_000);

  it('10 stalled clients (5 WS, 5 SSE) beside 2 healthy ones under a steady storm of alert events', async () => {
    const outcome = await stalledClients(stack, {
      healthyWebSockets: 1,
      healthySse: 1,
      stalledWebSockets: 5,
      stalledSse: 5,
      perSecond: 150,
      baselineSeconds: 6,
      stalledSeconds: 12,
      containers: 30,
      stalledSelection: 'heavy',
      inspector: gateway,
    });
    expect(outcome.transitions).toBeGreaterThanOrEqual(150 * 17);
    for (const client of outcome.healthy)
      expect(client).toMatchObject({ received: outcome.transitions, complete: true });
    expect(outcome.slowConsumers).toEqual({ ws: 5, sse: 5 });
    expect(outcome.openSubscriptionsAtEnd).toBe(2);
    // What the gateway retains: its heap after a full GC. RSS keeps pages V8 and malloc have not returned yet (in CI
    // 189.6 → 253.4 MB while the heap after GC went 54.9 → 60.9 MB and back to 56.2 once the stalled were dropped).
    expect(outcome.heapGrowth, JSON.stringify({ heapMb: outcome.heapMb, rssMb: outcome.rssMb })).toBeLessThan(0.25);
  }, 240_000);
});
