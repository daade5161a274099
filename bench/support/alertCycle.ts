import { type AlertStack, minute } from './startAlertStack.ts';

/** Rejects after `ms` so that a lost event fails the benchmark instead of hanging it. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)),
  ]);
}

/**
 * Excursion cycles on one container with the seeded "Default SLA" (2..8 °C, raised after 300 s out of range): each
 * cycle is 10 minutes of event time, starting days in the past so that nothing is in the future.
 */
export function alertCycles(stack: AlertStack, code: string) {
  // 2,000 cycles fit before "now": event times must never run into the future (readings > 5 min ahead are rejected).
  let t = Date.now() - 2000 * 10 * minute;
  return {
    /** Opens an excursion that is not yet an alert. */
    begin: () => stack.publish(code, 12, t),
    /** The reading that makes it an alert (RAISED); resolves once the broker has it. */
    raise: () => stack.publish(code, 12.5, t + 5.5 * minute),
    /** Back in range: CLEARED. */
    async clear() {
      await stack.publish(code, 5, t + 7 * minute);
      await stack.publish(code, 5, t + 8 * minute);
      t += 10 * minute;
    },
  };
}

/** Readings for other containers at a steady rate (in range), in batches every 10 ms; counts acknowledged ones. */
export function backgroundTelemetry(stack: AlertStack, perSecond: number) {
  const codes = ['BOX-0002', 'BOX-0004', ...Array.from({ length: 18 }, (_, i) => `BG-${String(i).padStart(4, '0')}`)];
  let ts = Date.now() - 14 * 24 * 60 * minute;
  let acknowledged = 0;
  const startedAt = performance.now();
  const perTick = Math.max(1, Math.round(perSecond / 100));
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      ts += 50;
      void stack.publish(codes[i % codes.length] as string, 5, ts).then(() => acknowledged++);
    }
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return acknowledged / ((performance.now() - startedAt) / 1000);
    },
  };
}

/**
 * Runs alert cycles until every subscriber has seen a RAISED and a CLEARED: subscriptions open asynchronously, so
 * the first events may be published before they are live.
 */
export async function untilLive(
  cycles: ReturnType<typeof alertCycles>,
  subscribers: { nextEvent(accept: (data: Record<string, unknown>) => boolean): Promise<number>; reset(): void }[],
  isTransition: (t: string) => (data: Record<string, unknown>) => boolean,
): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await cycles.begin();
    const raised = subscribers.map((s) => s.nextEvent(isTransition('RAISED')));
    const cleared = subscribers.map((s) => s.nextEvent(isTransition('CLEARED')));
    await cycles.raise();
    await cycles.clear();
    try {
      await within(Promise.all([...raised, ...cleared]), 2000, 'warm-up events');
      return;
    } catch {
      for (const s of subscribers) s.reset();
    }
  }
  throw new Error('subscriptions never became live');
}
