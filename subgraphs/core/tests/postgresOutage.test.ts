import { GATEWAY_IDENTITY_HEADER, sealIdentity } from '@bst/identity';
import { createLogger } from '@bst/service-kit';
import {
  graphqlOutcome,
  probeThroughOutage,
  readinessOutcome,
  relayedTestDatabase,
  relayOutages,
  timedProbe,
} from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreSubgraph, startCoreSubgraph } from '../src/startCoreSubgraph.ts';
import { people, secret } from './support.ts';

const answerWithinMs = 4000;
const recoverWithinMs = 5000;
const query = '{ sites { code containers { code } } container(code: "BOX-0001") { code site { name } } }';

describe('core while its Postgres is away', () => {
  let database: Awaited<ReturnType<typeof relayedTestDatabase>>;
  let core: CoreSubgraph;

  beforeAll(async () => {
    // Core reaches Postgres through a relay the test can cut or freeze; the machine's Postgres is never touched.
    database = await relayedTestDatabase('core_pg_outage');
    core = await startCoreSubgraph({
      databaseUrl: database.url,
      gatewaySecret: secret,
      seed: true,
      // Every SERVICE_UNAVAILABLE is logged (at warn): hundreds here, all expected.
      logger: createLogger('core', 'silent'),
    });
  }, 60_000);
  afterAll(async () => {
    database?.proxy.thaw();
    await core?.stop();
    await database?.drop();
  });

  const graphql = async () =>
    graphqlOutcome(core.url, { [GATEWAY_IDENTITY_HEADER]: await sealIdentity(people.viewer, secret) }, query);
  const readiness = () => readinessOutcome(core.url);

  it.each(relayOutages)(
    'Postgres $outage: SERVICE_UNAVAILABLE within seconds, /ready 503, recovered without a restart',
    async ({ down, up }) => {
      await expect
        .poll(async () => [await graphql(), await readiness()], { timeout: 10_000 })
        .toEqual(['data', 'ready']);

      const { during, recoveryMs } = await probeThroughOutage({
        down: () => down(database.proxy),
        up: () => up(database.proxy),
        // Two requests at once as well as one: a pool whose connections all hang must not queue them past the bound.
        probes: () => [timedProbe('query', graphql), timedProbe('query', graphql), timedProbe('/ready', readiness)],
        recovered: async () => {
          const [asked, ready] = await Promise.all([graphql(), readiness()]);
          return asked === 'data' && ready === 'ready';
        },
      });
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
