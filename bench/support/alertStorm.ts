// Alert transitions at a chosen pace through the real path (MQTT → bridge → engine → Redis → twin → gateway): one
// reading per transition, on containers whose profile raises at once (no delay) and never calls them silent.
import type { AlertStack } from './startAlertStack.ts';

const stormProfile = {
  name: 'Storm fridge',
  kind: 'REFRIGERATED',
  minTempC: 2,
  maxTempC: 8,
  excursionDelaySeconds: 0,
  hysteresisC: 0.5,
  maxExcursionMinutes: 100_000,
  excursionBudgetMinutes: 1_000_000,
  staleAfterSeconds: 7 * 24 * 3600,
};

/** Creates `count` containers on the storm profile through the gateway and waits until the bridge knows them. */
export async function stormContainers(stack: AlertStack, count: number, prefix = 'STORM'): Promise<string[]> {
  const { createStorageProfile } = await stack.admin<{ createStorageProfile: { id: string } }>(
    'mutation ($input: StorageProfileInput!) { createStorageProfile(input: $input) { id } }',
    { input: { ...stormProfile, name: `${stormProfile.name} ${prefix}` } },
  );
  const codes = Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(4, '0')}`);
  for (const code of codes) {
    await stack.admin('mutation ($input: CreateContainerInput!) { createContainer(input: $input) { code } }', {
      input: { code, kind: 'BOX', label: `Storm box ${code}`, storageProfileId: createStorageProfile.id },
    });
  }
  await stack.bridgeKnows(codes);
  return codes;
}

/**
 * One transition per reading, round robin over the containers: out of range (RAISED), back in range (CLEARED), each
 * container's event time a second further on (starting an hour ago, so nothing is in the future).
 */
export function alertStorm(stack: AlertStack, codes: readonly string[]) {
  const start = Date.now() - 3600_000;
  const steps = new Map(codes.map((code) => [code, 0]));
  let next = 0;
  let published = 0;
  const transition = (code = codes[next++ % codes.length] as string) => {
    const step = steps.get(code) ?? 0;
    steps.set(code, step + 1);
    published++;
    return stack.publish(code, step % 2 === 0 ? 12 : 5, start + step * 1000);
  };
  return {
    /** Transitions published so far. */
    published: () => published,
    /** `count` transitions at once (each acknowledged by the broker before this resolves). */
    async burst(count: number) {
      await Promise.all(Array.from({ length: count }, () => transition()));
    },
    /** The next transition of one container (its RAISED, then its CLEARED, ...). */
    of: (code: string) => transition(code),
    /** `perSecond` transitions a second, in 10 ms ticks, for `seconds`; resolves when every one is acknowledged. */
    async paced(perSecond: number, seconds: number) {
      const acknowledged: Promise<unknown>[] = [];
      const total = Math.round(perSecond * seconds);
      const startedAt = performance.now();
      let sent = 0;
      while (sent < total) {
        const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * perSecond) + 1);
        for (; sent < due; sent++) acknowledged.push(transition());
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(acknowledged);
    },
  };
}
