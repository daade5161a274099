import { GATEWAY_IDENTITY_HEADER, sealIdentity } from '@bst/identity';
import {
  connectMqttDevice,
  dashboardQuery,
  graphqlOutcome,
  type ProbeAnswer,
  type ProbeOutcome,
  type RedisServer,
  readinessOutcome,
  startRedisServer,
  timedProbe,
  uniqueTopicPrefix,
} from '@bst/testing';
import { createClient } from 'graphql-ws';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ProductionStack, startProductionStack } from '../security-hardening/productionStack.ts';

// Acceptance 4 of issue 11. The outage lasts 60 s (REDIS_OUTAGE_SECONDS may lengthen it, never shorten it).
const outageMs = Math.max(60, Number(process.env.REDIS_OUTAGE_SECONDS ?? 60)) * 1000;
// `kill`: SIGKILL, then a restart on the same port and AOF; `pause`: SIGSTOP, then SIGCONT (a frozen host: sockets stay
// open, connects hang). Both run, one after the other on one stack; REDIS_OUTAGE_MODE=kill|pause runs one alone.
const modes = (['kill', 'pause'] as const).filter((m) => [m, undefined, ''].includes(process.env.REDIS_OUTAGE_MODE));
const answerWithinMs = 5000;
const recoverWithinMs = 5000;

const twinQuery = '{ ingestStats { accepted duplicates rejected } alerts(first: 5) { id state } }';

/** A subscription opened now: its first answer (an event, or an error), or the time it took to get none. */
function openSubscription(gatewayUrl: string, token: string): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const client = createClient({
      url: gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const done = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      void client.dispose();
      resolve(outcome);
    };
    // A subscription that opened and waits for events is fine: nothing to deliver while Redis is down.
    const timer = setTimeout(() => done('data'), answerWithinMs);
    client.subscribe(
      { query: 'subscription { alertEvents { cursor transition } }' },
      {
        next: () => done('data'),
        error: (error) => {
          const errors = Array.isArray(error) ? (error as { extensions?: { code?: string } }[]) : [];
          const codes = [...new Set(errors.map((e) => e.extensions?.code))];
          done(codes.length === 1 && codes[0] === 'SERVICE_UNAVAILABLE' ? 'unavailable' : `wrong: ${String(error)}`);
        },
        complete: () => done('wrong: completed'),
      },
    );
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis stopped for a minute', () => {
  let redis: RedisServer;
  let stack: ProductionStack;
  let device: MqttClient;
  const topicPrefix = uniqueTopicPrefix('redis-outage');
  let failed = false;

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startProductionStack('redis-outage', {
      redisUrl: redis.url,
      bridgeTopicPrefix: topicPrefix,
      archive: true,
    });
    device = await connectMqttDevice();
  }, 120_000);

  afterAll(async () => {
    // A failed run shows what each service wrote (the end of it).
    if (failed)
      for (const service of [stack?.gateway, stack?.twin, stack?.bridge, stack?.archiver])
        console.log(service?.output().slice(-4000));
    await device?.endAsync();
    await stack?.stop();
    await redis?.stop();
  });

  it.each(modes)(
    '%s: every request answers within 5 s with data or SERVICE_UNAVAILABLE, /ready is 503, and all recovers within 5 s',
    async (mode) => {
      failed = true;
      const { bridge, archiver } = stack;
      if (!bridge || !archiver) throw new Error('the stack has no bridge or no archiver');
      const viewer = await stack.token(['viewer'], 'outage-dashboard');
      const gatewayHeaders = { authorization: `Bearer ${viewer}` };
      const twinHeaders = async () => ({
        [GATEWAY_IDENTITY_HEADER]: await sealIdentity({ subject: 'outage-probe', roles: ['viewer'] }, stack.secret),
      });
      const probes = async (): Promise<ProbeAnswer[]> =>
        Promise.all([
          timedProbe('gateway query', () => graphqlOutcome(stack.gateway.url, gatewayHeaders, dashboardQuery)),
          timedProbe('twin query', async () => graphqlOutcome(stack.twin.url, await twinHeaders(), twinQuery)),
          timedProbe('gateway /ready', () => readinessOutcome(stack.gateway.url)),
          timedProbe('twin /ready', () => readinessOutcome(stack.twin.url)),
          timedProbe('bridge /ready', () => readinessOutcome(bridge.url)),
          timedProbe('archiver /ready', () => readinessOutcome(archiver.url)),
        ]);
      const published: number[] = [];
      const publish = async () => {
        const ts = Date.now();
        published.push(ts);
        await device.publishAsync(
          `${topicPrefix}/telemetry/box/BOX-0001`,
          JSON.stringify({ temperature: 5 + (published.length % 3), humidity: 50, ts }),
          { qos: 1 },
        );
      };

      // Before: everything answers with data and is ready.
      await expect
        .poll(async () => (await probes()).map((a) => a.outcome), { timeout: 30_000, interval: 500 })
        .toEqual(['data', 'data', 'ready', 'ready', 'ready', 'ready']);

      if (mode === 'pause') redis.pause();
      else await redis.kill();
      const killedAt = performance.now();
      const during: (ProbeAnswer & { at: number })[] = [];
      const firstNotReady: Record<string, number> = {};
      let round = 0;
      while (performance.now() - killedAt < outageMs) {
        const roundStarted = performance.now();
        const asked = [
          probes(),
          ...(round % 20 === 10
            ? [timedProbe('subscription', () => openSubscription(stack.gateway.url, viewer))].map((p) =>
                p.then((a) => [a]),
              )
            : []),
        ];
        if (round % 4 === 0) await publish();
        const answers = (await Promise.all(asked)).flat();
        for (const answer of answers) {
          const at = Math.round(roundStarted - killedAt);
          during.push({ ...answer, at });
          if (answer.outcome === 'not-ready' && firstNotReady[answer.what] === undefined)
            firstNotReady[answer.what] = at;
        }
        round++;
        await sleep(Math.max(0, 500 - (performance.now() - roundStarted)));
      }

      if (mode === 'pause') redis.resume();
      else await redis.restart();
      const restartedAt = performance.now();
      let recoveryMs = Number.NaN;
      while (performance.now() - restartedAt < 30_000) {
        const answers = await probes();
        if (answers.every((a) => a.outcome === 'data' || a.outcome === 'ready')) {
          recoveryMs = Math.round(performance.now() - restartedAt);
          break;
        }
        await sleep(250);
      }
      let storedMs = Number.NaN;
      let storedCount = 0;
      while (performance.now() - restartedAt < 30_000) {
        const since = new Date(published[0] as number).toISOString();
        const body = (await (
          await fetch(stack.gateway.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...gatewayHeaders },
            body: JSON.stringify({ query: `{ container(code: "BOX-0001") { readings(since: "${since}") { at } } }` }),
          })
        ).json()) as { data?: { container?: { readings?: { at: string }[] } } };
        const readings = body.data?.container?.readings ?? [];
        const stored = new Set(readings.map((r) => Date.parse(r.at)));
        storedCount = readings.length;
        if (published.every((ts) => stored.has(ts))) {
          storedMs = Math.round(performance.now() - restartedAt);
          break;
        }
        await sleep(250);
      }

      const maxMs = Math.max(...during.map((a) => a.ms));
      const slowest = during.reduce((a, b) => (b.ms > a.ms ? b : a));
      const wrong = during.filter((a) => a.outcome.startsWith('wrong'));
      const unavailable = during.filter((a) => a.outcome === 'unavailable').length;
      const readyAgain = Object.keys(firstNotReady).flatMap((what) =>
        during.filter((a) => a.what === what && a.at > (firstNotReady[what] as number) && a.outcome === 'ready'),
      );
      console.log(
        JSON.stringify({
          scenario: 'redis-outage',
          mode,
          outageSeconds: outageMs / 1000,
          answers: during.length,
          unavailable,
          maxAnswerMs: maxMs,
          slowest: `${slowest.what} at +${slowest.at} ms`,
          firstNotReadyMs: firstNotReady,
          readingsPublishedDuringOutage: published.length,
          recoveryMs,
          readingsStoredMsAfterRestart: storedMs,
        }),
      );

      expect(wrong).toEqual([]);
      expect(maxMs).toBeLessThan(answerWithinMs);
      // The twin cannot answer from Redis: its query must have said so.
      expect(unavailable).toBeGreaterThan(0);
      for (const what of ['gateway /ready', 'twin /ready', 'bridge /ready', 'archiver /ready']) {
        expect(firstNotReady[what], what).toBeLessThan(answerWithinMs);
      }
      expect(readyAgain).toEqual([]);
      expect(recoveryMs).toBeLessThan(recoverWithinMs);
      // Lose nothing: what was published while Redis was away is stored once it is back.
      expect(storedMs).toBeLessThan(recoverWithinMs * 2);
      // …and once: commits Redis ran after their client had given up, and the redeliveries, were absorbed.
      expect(storedCount).toBe(published.length);
      failed = false;
    },
    180_000,
  );
});
