import { GATEWAY_IDENTITY_HEADER, sealIdentity } from '@bst/identity';
import { createLogger } from '@bst/service-kit';
import {
  createTestDatabase,
  graphqlOutcome,
  type ProbeAnswer,
  readinessOutcome,
  startTcpProxy,
  type TcpProxy,
  type TestDatabase,
  timedProbe,
} from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreSubgraph, startCoreSubgraph } from '../src/startCoreSubgraph.ts';
import { people, secret } from './support.ts';

const answerWithinMs = 4000;
const recoverWithinMs = 5000;
const query = '{ sites { code containers { code } } container(code: "BOX-0001") { code site { name } } }';

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

  const graphql = async () =>
    graphqlOutcome(core.url, { [GATEWAY_IDENTITY_HEADER]: await sealIdentity(people.viewer, secret) }, query);
  const readiness = () => readinessOutcome(core.url);

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
      const during: ProbeAnswer[] = [];
      const downAt = performance.now();
      while (performance.now() - downAt < 8000) {
        // Two requests at once as well as one: a pool whose connections all hang must not queue them past the bound.
        during.push(
          ...(await Promise.all([
            timedProbe('query', graphql),
            timedProbe('query', graphql),
            timedProbe('/ready', readiness),
          ])),
        );
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
