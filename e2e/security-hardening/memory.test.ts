import type { ServedProcess } from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bypasses, type Outcome, openSocket, subscriptionError } from './attacks.ts';
import { type ProductionStack, startProductionStack, warmUp } from './productionStack.ts';

const attemptsOfEach = 100;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * Method: the resident set (VmRSS from /proc) of the real gateway, core and twin processes, in production mode.
 * "Idle" is after a warm-up (legitimate traffic down every path, and ten attempts of each bypass, so that first-use
 * compilation is in), the median of five readings a second apart. Each process is then read every 50 ms while 100 attempts of each bypass
 * run (ten at a time), and once more after them; the highest reading must stay within 20 % of idle. RSS, not the
 * heap, because an unbounded buffer (a 20 MiB message, a 30 MB answer) need not live on the JavaScript heap.
 */
describe('memory under attack: 100 attempts of each bypass', () => {
  let stack: ProductionStack;
  beforeAll(async () => {
    stack = await startProductionStack('security_memory');
  }, 120_000);
  afterAll(() => stack?.stop(), 60_000);

  async function idle(service: ServedProcess): Promise<number> {
    const readings: number[] = [];
    for (let i = 0; i < 5; i++) {
      readings.push(service.rssBytes());
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return readings.sort((a, b) => a - b)[2]!;
  }

  it('leaves gateway, core and twin within 20 % of their idle resident memory', async () => {
    const viewer = await stack.token(['viewer'], 'memory-viewer');
    const attempt = bypasses(stack, viewer, await stack.token([], 'memory-without-role'));
    const processes = { gateway: stack.gateway, core: stack.core, twin: stack.twin };
    const payload = 'x'.repeat(20 * 1024 * 1024);
    const holder = await stack.token(['viewer'], 'memory-sockets');
    const held = await Promise.all(Array.from({ length: 16 }, () => openSocket(stack.gateway.url, holder)));
    const full = held[0]!;
    const query = 'subscription ($c: [String!]) { alertEvents(filter: { containerCodes: $c }) { transition } }';
    for (let i = 0; i < 50; i++) full.subscribe(`full-${i}`, query, { c: [`BOX-MEM-${i}`] });
    const runs: Record<string, [(i: number) => Promise<unknown>, number]> = {
      ...Object.fromEntries(
        Object.entries(attempt)
          .filter(([name]) => name !== 'oversizeMessage')
          .map(([name, run]) => [name, [run as (i: number) => Promise<Outcome>, 10]]),
      ),
      oversizeMessage: [(i) => attempt.oversizeMessage(i, payload), 2],
      socketOverCap: [async () => (await openSocket(stack.gateway.url, holder)).closed, 10],
      subscriptionOverCap: [
        async (i) => {
          full.subscribe(`over-${i}`, query, { c: [`BOX-OVER-${i}`] });
          return subscriptionError(full, `over-${i}`);
        },
        10,
      ],
    };
    const refused: Record<string, unknown[]> = {};
    const attack = async (attempts: number) => {
      for (const [name, [run, concurrency]] of Object.entries(runs)) {
        refused[name] = [];
        for (let start = 0; start < attempts; start += concurrency) {
          refused[name].push(...(await Promise.all(Array.from({ length: concurrency }, (_, i) => run(start + i)))));
        }
      }
    };
    const peak: Record<string, number> = {};
    let sampler: NodeJS.Timeout | undefined;
    let baseline: Record<string, number> = {};
    try {
      // Warm: legitimate traffic and one round of every refusal, so that first-use compilation is in the baseline.
      await warmUp(stack, viewer);
      await attack(10);
      baseline = Object.fromEntries(
        await Promise.all(
          Object.entries(processes).map(async ([name, service]) => [name, await idle(service)] as const),
        ),
      );
      Object.assign(peak, baseline);
      sampler = setInterval(() => {
        for (const [name, service] of Object.entries(processes)) peak[name] = Math.max(peak[name]!, service.rssBytes());
      }, 50);
      await attack(attemptsOfEach);
    } finally {
      for (const socket of held) socket.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    clearInterval(sampler);
    expect(refused.aliasedIntrospection).toHaveLength(attemptsOfEach);
    const after = Object.fromEntries(Object.entries(processes).map(([name, service]) => [name, service.rssBytes()]));

    // Every attempt was refused, so what is measured is the cost of refusing.
    expect(refused.socketOverCap!.every((code) => code === 4429)).toBe(true);
    expect(refused.oversizeMessage!.every((o) => (o as Outcome).status === 1009)).toBe(true);
    expect(refused.subscriptionOverCap!.every((text) => String(text).includes('SUBSCRIPTION_LIMIT_EXCEEDED'))).toBe(
      true,
    );
    const report = Object.fromEntries(
      Object.keys(processes).map((name) => [
        name,
        { idleMb: mb(baseline[name]!), peakMb: mb(peak[name]!), afterMb: mb(after[name]!) },
      ]),
    );
    for (const name of Object.keys(processes)) {
      expect(after[name]!, JSON.stringify(report)).toBeLessThanOrEqual(baseline[name]! * 1.2);
      expect(peak[name]!, JSON.stringify(report)).toBeLessThanOrEqual(baseline[name]! * 1.5);
    }
    console.log(`resident memory under attack (MB): ${JSON.stringify(report)}`);
  }, 300_000);
});
