import { services } from '@bst/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bypasses, bypasses, type Outcome, openSocket, post, subscriptionError } from './attacks.ts';
import { responsiveBound, whileWatchingHealth } from './healthWatcher.ts';
import { type ProductionStack, startProductionStack, warmUp } from './productionStack.ts';

/** Nothing internal in an answer: no SQL, no driver text, no stack, no file path. */
const leaks =
  /select |insert |bigint|invalid byte sequence|WRONGTYPE|ioredis|ECONNREFUSED|stacktrace|\.ts:\d|node_modules/i;

describe('the review findings, replayed against core, twin and gateway in production mode', () => {
  let stack: ProductionStack;
  let attempt: Bypasses;
  let viewer: string;
  beforeAll(async () => {
    stack = await startProductionStack('security_findings');
    viewer = await stack.token(['viewer'], 'attacker-viewer');
    attempt = bypasses(stack, viewer, await stack.token([], 'attacker-without-role'));
    // A service just started compiles each path on first use: warm every one once, as any running service is.
    await warmUp(stack, viewer);
  }, 120_000);
  afterAll(() => stack?.stop(), 60_000);

  /** Twenty attempts, `concurrency` at a time, while every service's /health is polled from another process. */
  async function underAttack(run: (i: number) => Promise<Outcome>, concurrency = 10) {
    const watched = await whileWatchingHealth([stack.gateway, stack.core, stack.twin], async () => {
      const outcomes: Outcome[] = [];
      for (let start = 0; start < 20; start += concurrency) {
        outcomes.push(...(await Promise.all(Array.from({ length: concurrency }, (_, i) => run(start + i)))));
      }
      return outcomes;
    });
    const { health } = watched;
    expect(health.answers).toBeGreaterThan(0);
    expect(health.unhealthy).toBe(0);
    expect(health.p95, JSON.stringify(health)).toBeLessThan(responsiveBound(health));
    // No stall: the original introspection attack held the gateway for seconds per request.
    expect(health.slowest, JSON.stringify(health)).toBeLessThan(2000);
    for (const outcome of watched.result) expect(outcome.text).not.toMatch(leaks);
    return watched.result;
  }
  const every = (outcomes: Outcome[], status: number, code: string | undefined) => {
    expect(outcomes.map((o) => `${o.status} ${o.code}`)).toEqual(outcomes.map(() => `${status} ${code}`));
  };

  it('aliased introspection is refused: 480 aliases by the token limit, three full introspections by the cost limit', async () => {
    const tooLong = await underAttack(attempt.aliasedIntrospection);
    every(tooLong, 400, 'OPERATION_LIMIT_EXCEEDED');
    expect(tooLong[0]?.text).toContain('"limit":"tokens"');
    const costly = await underAttack(attempt.introspectionWithinTokens);
    every(costly, 400, 'OPERATION_LIMIT_EXCEEDED');
    expect(costly[0]?.text).toContain('"limit":"cost"');
  });

  it('lists without a bound are not free: the nesting query is refused before core sees it', async () => {
    const outcomes = await underAttack(attempt.nestedUnboundedLists);
    every(outcomes, 400, 'OPERATION_LIMIT_EXCEEDED');
    expect(outcomes[0]?.text).toContain('"limit":"cost"');
  });

  it("a variable's default is counted", async () => {
    every(await underAttack(attempt.variableDefault), 400, 'OPERATION_LIMIT_EXCEEDED');
  });

  it('a token without exp is refused (401 UNAUTHENTICATED)', async () => {
    every(await underAttack(attempt.tokenWithoutExpiry), 401, 'UNAUTHENTICATED');
  });

  it('a sealed identity replayed straight to a subgraph after its window is refused (401 UNAUTHENTICATED)', async () => {
    every(await underAttack(attempt.replayedIdentityCore), 401, 'UNAUTHENTICATED');
    every(await underAttack(attempt.replayedIdentityTwin), 401, 'UNAUTHENTICATED');
  });

  it('twin queries need a role: a token without one reads no alerts, dead letters or counters (FORBIDDEN)', async () => {
    const outcomes = await underAttack(attempt.twinWithoutRole);
    every(outcomes, 200, 'FORBIDDEN');
    for (const outcome of outcomes) expect(JSON.parse(outcome.text).data).toBeNull();
  });

  it('a NUL character and a forged cursor are BAD_USER_INPUT naming the argument, with no SQL in the answer', async () => {
    const nul = await underAttack(attempt.nulInCode);
    for (const outcome of nul) expect(outcome.code).toBe('BAD_USER_INPUT');
    expect(nul[0]?.text).toContain('"field":"variables.c"');
    const cursor = await underAttack(attempt.extremeCursor);
    for (const outcome of cursor) expect(outcome.code).toBe('BAD_USER_INPUT');
    expect(cursor[0]?.text).toContain('"field":"after"');
  });

  it('a Redis error reaches the client as a code and an error id, not as the driver message', async () => {
    const redis = new Redis(services.redisUrl);
    // Dead letters under a key of the wrong type: every read of them fails inside ioredis with WRONGTYPE.
    await redis.set(`${stack.twinStorePrefix}:{dead-letters}:list`, 'not a list');
    try {
      const { status, code, text } = await post(
        stack.gateway.url,
        { query: '{ deadLetters { payload } }' },
        {
          authorization: `Bearer ${viewer}`,
        },
      );
      expect(status).toBe(200);
      expect(code).toBe('INTERNAL_SERVER_ERROR');
      expect(text).toMatch(/"errorId":"[\w-]{8,}"/);
      expect(text).not.toMatch(leaks);
      expect(stack.twin.output()).toContain('WRONGTYPE');
    } finally {
      await redis.del(`${stack.twinStorePrefix}:{dead-letters}:list`);
      redis.disconnect();
    }
  });

  it('a 20 MiB subscribe message closes the socket with 1009 before it is read', async () => {
    const payload = 'x'.repeat(20 * 1024 * 1024);
    // Two at a time: masking 20 MiB frames is the attacking test's own CPU, on a machine it shares with the services.
    const outcomes = await underAttack((i) => attempt.oversizeMessage(i, payload), 2);
    expect(outcomes.map((o) => o.status)).toEqual(outcomes.map(() => 1009));
  });

  it('unregisteredCodes is paged: asking for more than a page is BAD_USER_INPUT', async () => {
    const outcomes = await underAttack(attempt.unpagedUnregistered);
    every(outcomes, 200, 'BAD_USER_INPUT');
  });

  it('one identity gets at most 16 sockets (4429) and 50 subscriptions a socket; distinct subscriptions share one upstream socket', async () => {
    const token = await stack.token(['viewer'], 'amplifier');
    const sockets = await Promise.all(Array.from({ length: 16 }, () => openSocket(stack.gateway.url, token)));
    try {
      expect(sockets.every((s) => s.acked)).toBe(true);
      const extra = await openSocket(stack.gateway.url, token);
      expect(extra.acked).toBe(false);
      expect(await extra.closed).toBe(4429);

      const [first, second] = sockets;
      const query =
        'subscription ($codes: [String!]) { alertEvents(filter: { containerCodes: $codes }) { transition } }';
      for (let i = 0; i < 51; i++) first!.subscribe(`s${i}`, query, { codes: [`BOX-AMP-${i}`] });
      expect(await subscriptionError(first!, 's50')).toContain('SUBSCRIPTION_LIMIT_EXCEEDED');
      for (let i = 0; i < 50; i++) second!.subscribe(`t${i}`, query, { codes: [`BOX-AMP-T${i}`] });
      // 50 on the first socket and 49 here reach the identity's cap of 100 with one left: the 50th here takes it.
      expect(await subscriptionError(second!, 't49')).toBeUndefined();
      const overflow = sockets[2]!;
      overflow.subscribe('u0', query, { codes: ['BOX-AMP-U0'] });
      expect(await subscriptionError(overflow, 'u0')).toContain('per identity');
      const metrics = await (await fetch(new URL('/metrics', stack.gateway.url))).text();
      expect(metrics).toMatch(/^bst_gateway_upstream_subscriptions 100$/m);
      expect(metrics).toMatch(/^bst_gateway_upstream_sockets 1$/m);
    } finally {
      for (const socket of sockets) socket.close();
    }
  });
});
