import {
  dashboardQuery,
  graphqlOutcome,
  type ProbeAnswer,
  readinessOutcome,
  services,
  startTcpProxy,
  type TcpProxy,
  timedProbe,
} from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProductionStack, startProductionStack } from '../security-hardening/productionStack.ts';

// Core and the archiver lose Postgres (through a relay this test cuts or freezes; the machine's Postgres is untouched)
// for 15 s: every request answers within 5 s, core's and the archiver's /ready say so, and all recovers within 5 s.
const outageMs = 15_000;
const answerWithinMs = 5000;
const recoverWithinMs = 5000;

describe('Postgres away for 15 s', () => {
  let proxy: TcpProxy;
  let stack: ProductionStack;
  let failed = false;

  beforeAll(async () => {
    const postgres = new URL(services.postgresAdminUrl);
    proxy = await startTcpProxy({ host: postgres.hostname, port: Number(postgres.port || 5432) });
    stack = await startProductionStack('postgres_outage', {
      archive: true,
      postgresVia: { host: '127.0.0.1', port: proxy.port },
    });
  }, 120_000);

  afterAll(async () => {
    if (failed) for (const service of [stack?.core, stack?.archiver]) console.log(service?.output().slice(-4000));
    proxy?.thaw();
    proxy?.restore();
    await stack?.stop();
    await proxy?.stop();
  });

  it.each([
    { outage: 'stopped', down: () => proxy.cut(), up: () => proxy.restore() },
    { outage: 'frozen', down: () => proxy.freeze(), up: () => proxy.thaw() },
  ])(
    '$outage: every request answers within 5 s with data or SERVICE_UNAVAILABLE, /ready is 503, and all recovers within 5 s',
    async ({ outage, down, up }) => {
      failed = true;
      const archiver = stack.archiver;
      if (!archiver) throw new Error('the stack has no archiver');
      const viewer = { authorization: `Bearer ${await stack.token(['viewer'], 'outage-dashboard')}` };
      const probes = () =>
        Promise.all([
          timedProbe('gateway query', () => graphqlOutcome(stack.gateway.url, viewer, dashboardQuery)),
          timedProbe('core /ready', () => readinessOutcome(stack.core.url)),
          timedProbe('archiver /ready', () => readinessOutcome(archiver.url)),
          timedProbe('gateway /ready', () => readinessOutcome(stack.gateway.url)),
        ]);
      await expect
        .poll(async () => (await probes()).map((a) => a.outcome), { timeout: 30_000, interval: 500 })
        .toEqual(['data', 'ready', 'ready', 'ready']);

      down();
      const downAt = performance.now();
      const during: (ProbeAnswer & { at: number })[] = [];
      while (performance.now() - downAt < outageMs) {
        const roundStarted = performance.now();
        for (const answer of await probes()) during.push({ ...answer, at: Math.round(roundStarted - downAt) });
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 500 - (performance.now() - roundStarted))));
      }
      up();
      const upAt = performance.now();
      let recoveryMs = Number.NaN;
      while (performance.now() - upAt < 30_000) {
        if ((await probes()).every((a) => a.outcome === 'data' || a.outcome === 'ready')) {
          recoveryMs = Math.round(performance.now() - upAt);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const firstNotReady = (what: string) => during.find((a) => a.what === what && a.outcome === 'not-ready')?.at;
      const slowest = during.reduce((a, b) => (b.ms > a.ms ? b : a));
      console.log(
        JSON.stringify({
          scenario: 'postgres-outage',
          outage,
          outageSeconds: outageMs / 1000,
          answers: during.length,
          unavailable: during.filter((a) => a.outcome === 'unavailable').length,
          maxAnswerMs: slowest.ms,
          slowest: `${slowest.what} at +${slowest.at} ms`,
          firstNotReadyMs: { core: firstNotReady('core /ready'), archiver: firstNotReady('archiver /ready') },
          recoveryMs,
        }),
      );

      expect(during.filter((a) => a.outcome.startsWith('wrong'))).toEqual([]);
      expect(slowest.ms).toBeLessThan(answerWithinMs);
      // Core's fields cannot be had: the query must have said so.
      expect(during.filter((a) => a.what === 'gateway query' && a.outcome === 'unavailable').length).toBeGreaterThan(0);
      for (const what of ['core /ready', 'archiver /ready']) {
        expect(firstNotReady(what), what).toBeLessThan(answerWithinMs);
        // Once not ready, not ready again until Postgres is back.
        const since = firstNotReady(what) as number;
        expect(
          during.filter((a) => a.what === what && a.at > since && a.outcome === 'ready'),
          what,
        ).toEqual([]);
      }
      expect(recoveryMs).toBeLessThan(recoverWithinMs);
      failed = false;
    },
    120_000,
  );
});
