import { sealIdentity } from '@bst/identity';
import { createLogger } from '@bst/service-kit';
import { createTestDatabase, postToSubgraph, startTcpProxy, type TcpProxy, type TestDatabase } from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreSubgraph, startCoreSubgraph } from '../src/startCoreSubgraph.ts';
import { people, secret } from './support.ts';

type Outcome = 'data' | 'unavailable' | 'ready' | 'not-ready' | `wrong: ${string}`;

const answerWithinMs = 4000;
const recoverWithinMs = 5000;
const query = '{ sites { code containers { code } } container(code: "BOX-0001") { code site { name } } }';

async function timed(ask: () => Promise<Outcome>): Promise<{ ms: number; outcome: Outcome }> {
  const started = performance.now();
  const outcome = await ask().catch((error: unknown): Outcome => `wrong: ${String(error)}`);
  return { ms: Math.round(performance.now() - started), outcome };
}

describe('core while its Postgres is away', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let core: CoreSubgraph;

  beforeAll(async () => {
    database = await createTestDatabase('core_pg_outage');
    const direct = new URL(database.url);
    // Core reaches Postgres through a relay the test can cut or freeze; the machine's Postgres is never touched.
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const relayed = new URL(database.url);
    relayed.port = String(proxy.port);
    core = await startCoreSubgraph({
      databaseUrl: relayed.toString(),
      gatewaySecret: secret,
      seed: true,
      // Every SERVICE_UNAVAILABLE is logged (at warn): hundreds here, all expected.
      logger: createLogger('core', 'silent'),
    });
  }, 60_000);
  afterAll(async () => {
    proxy?.thaw();
    await core?.stop();
    await proxy?.stop();
    await database?.drop();
  });

  const graphql = async (): Promise<Outcome> => {
    const { body } = await postToSubgraph(core.url, { query }, await sealIdentity(people.viewer, secret));
    const errors = (body.errors ?? []) as { message: string; extensions?: { code?: string } }[];
    if (errors.length === 0) return body.data ? 'data' : 'wrong: no data';
    const codes = [...new Set(errors.map((e) => e.extensions?.code))];
    const leaks = errors.some((e) => /select|from|postgres|ECONN/i.test(e.message));
    if (codes.length === 1 && codes[0] === 'SERVICE_UNAVAILABLE' && !leaks) return 'unavailable';
    return `wrong: ${JSON.stringify(errors).slice(0, 300)}`;
  };
  const readiness = async (): Promise<Outcome> => {
    const response = await fetch(new URL('/ready', core.url));
    await response.text();
    return response.status === 200 ? 'ready' : response.status === 503 ? 'not-ready' : `wrong: ${response.status}`;
  };

  it.each([
    { outage: 'stopped (connections cut, new ones refused)', down: () => proxy.cut(), up: () => proxy.restore() },
    { outage: 'frozen (connections open, nothing answers)', down: () => proxy.freeze(), up: () => proxy.thaw() },
  ])(
    'Postgres $outage: SERVICE_UNAVAILABLE within seconds, /ready 503, recovered without a restart',
    async ({ down, up }) => {
      await expect
        .poll(async () => [await graphql(), await readiness()], { timeout: 10_000 })
        .toEqual(['data', 'ready']);

      down();
      const during: { what: string; ms: number; outcome: Outcome }[] = [];
      const downAt = performance.now();
      while (performance.now() - downAt < 8000) {
        // Two requests at once as well as one: a pool whose connections all hang must not queue them past the bound.
        const answers = await Promise.all([timed(graphql), timed(graphql), timed(readiness)]);
        during.push(...answers.map((a, i) => ({ what: i < 2 ? 'query' : '/ready', ...a })));
      }
      up();
      const upAt = performance.now();
      let recoveryMs = Number.NaN;
      while (performance.now() - upAt < 15_000) {
        const [asked, ready] = await Promise.all([graphql(), readiness()]);
        if (asked === 'data' && ready === 'ready') {
          recoveryMs = Math.round(performance.now() - upAt);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const maxMs = Math.max(...during.map((a) => a.ms));
      console.log(
        JSON.stringify({ scenario: 'core-postgres-outage', answers: during.length, maxAnswerMs: maxMs, recoveryMs }),
      );

      expect(during.filter((a) => a.what === 'query').map((a) => a.outcome)).toEqual(
        during.filter((a) => a.what === 'query').map(() => 'unavailable'),
      );
      expect(during.filter((a) => a.what === '/ready').map((a) => a.outcome)).toEqual(
        during.filter((a) => a.what === '/ready').map(() => 'not-ready'),
      );
      expect(maxMs).toBeLessThan(answerWithinMs);
      expect(recoveryMs).toBeLessThan(recoverWithinMs);
    },
    60_000,
  );
});
