// Issue 12: the gateway's query path against bare Apollo Gateway (its own fetcher, then ours) and Hive Gateway, in the
// same run: the same dashboard-like queries at a fixed concurrency, each gateway in its own process (its CPU read
// from /proc), runs alternating between the gateways round after round; medians over the rounds.

import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { signToken } from '@bst/gateway';
import { repositoryRoot, type SpawnedService, spawnService } from '@bst/testing';
import { loadAtConcurrency } from './support/loadAtConcurrency.ts';
import { processCpuMs } from './support/processCpu.ts';
import { percentile, round } from './support/startAlertStack.ts';
import { benchIdentity, benchJwtSecret, startQueryStack } from './support/startQueryStack.ts';

const env = process.env;
const rounds = Number(env.GATEWAY_BENCH_ROUNDS ?? 5);
const secondsPerRun = Number(env.GATEWAY_BENCH_SECONDS ?? 5);
const warmupSeconds = Number(env.GATEWAY_BENCH_WARMUP_SECONDS ?? 1);
const concurrency = Number(env.GATEWAY_BENCH_CONCURRENCY ?? 16);

const hour = 3_600_000;
const until = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const since = new Date(until.getTime() - 3 * hour);

// The dashboard's two shapes: a list only core answers, and a list that crosses core and twin for every container.
const queries = {
  coreList: {
    query: `query BenchContainers {
      containers(first: 100) {
        totalCount
        edges { node { id code kind label status site { code name } storageProfile { name minTempC maxTempC } } }
      }
    }`,
  },
  federated: {
    query: `query BenchFleet($since: DateTime!, $until: DateTime!) {
      containers(first: 100) {
        edges { node {
          code label site { name }
          live { temperatureC humidityPct location { lat lng } status at }
          compliance(since: $since, until: $until) { readings inRangePct timeInRangePct excursionMinutes mktC }
        } }
      }
    }`,
    variables: { since: since.toISOString(), until: until.toISOString() },
  },
} as const;
type Kind = keyof typeof queries;

const gatewayNames = ['bst', 'apolloGateway', 'apolloGatewayBstFetcher', 'hiveGateway'] as const;
type GatewayName = (typeof gatewayNames)[number];
const ready = /gateway ready at (\S+)/;

const stack = await startQueryStack();
const started: Partial<Record<GatewayName, SpawnedService>> = {};
try {
  // Every gateway process writes a CPU profile (<pid>.cpuprofile) of the measured rounds there.
  const nodeOptions: Record<string, string> = env.GATEWAY_BENCH_CPU_PROFILE_DIR
    ? {
        NODE_OPTIONS: `--import ${join(repositoryRoot, 'bench/support/writeCpuProfile.mjs')}`,
        CPU_PROFILE_DIR: env.GATEWAY_BENCH_CPU_PROFILE_DIR,
      }
    : {};
  const baseline = {
    ...nodeOptions,
    SUPERGRAPH_PATH: stack.supergraphPath,
    BENCH_IDENTITY_HEADER_NAME: stack.identityHeader.name,
    BENCH_IDENTITY_HEADER_VALUE: stack.identityHeader.value,
  };
  started.bst = await spawnService(
    'apps/gateway/src/main.ts',
    {
      ...nodeOptions,
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: benchJwtSecret,
      GATEWAY_SHARED_SECRET: stack.sharedSecret,
      SUPERGRAPH_PATH: stack.supergraphPath,
      SUPERGRAPH_WATCH: 'false',
      // Auth, limits and metrics as in production; the rate limit counts every request but never refuses one here.
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_BURST: '1000000',
    },
    ready,
  );
  started.apolloGateway = await spawnService('bench/support/gateways/apolloGateway.ts', baseline, ready);
  started.apolloGatewayBstFetcher = await spawnService(
    'bench/support/gateways/apolloGateway.ts',
    { ...baseline, BENCH_FETCHER: 'bst' },
    ready,
  );
  started.hiveGateway = await spawnService('bench/support/gateways/hiveGateway.ts', baseline, ready);
  const gateways = started as Record<GatewayName, SpawnedService>;
  const token = await signToken(benchJwtSecret, { subject: benchIdentity.subject, roles: benchIdentity.roles }, '2h');
  const headersOf = (name: GatewayName): Record<string, string> =>
    name === 'bst' ? { authorization: `Bearer ${token}` } : {};

  // Every gateway must give the same answer, or the comparison means nothing.
  for (const kind of Object.keys(queries) as Kind[]) {
    const answers = await Promise.all(
      gatewayNames.map(async (name) => {
        const response = await fetch(gateways[name].url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headersOf(name) },
          body: JSON.stringify(queries[kind]),
        });
        return { name, body: (await response.json()) as { data?: unknown; errors?: unknown } };
      }),
    );
    const reference = answers[0]?.body;
    const edges = (reference?.data as { containers?: { edges?: unknown[] } } | undefined)?.containers?.edges;
    if (!edges?.length || reference?.errors) throw new Error(`${kind}: no data from our gateway`);
    for (const { name, body } of answers) {
      if (!isDeepStrictEqual(body, reference)) {
        throw new Error(`${kind}: ${name} answers differently: ${JSON.stringify(body).slice(0, 400)}`);
      }
    }
  }

  const requestsPerSec: Record<Kind, Record<GatewayName, number[]>> = { coreList: empty(), federated: empty() };
  const cpuMsPerRequest: Record<Kind, Record<GatewayName, number[]>> = { coreList: empty(), federated: empty() };
  const latencies: Record<Kind, Record<GatewayName, number[]>> = { coreList: empty(), federated: empty() };
  const profiling = nodeOptions.CPU_PROFILE_DIR !== undefined;
  const toggleProfiles = () => {
    if (profiling) for (const name of gatewayNames) process.kill(gateways[name].pid, 'SIGUSR2');
  };
  toggleProfiles();
  const fetchesBefore = await subgraphFetches(gateways.bst.url);
  let bstRequests = 0;
  for (let r = 0; r < rounds; r++) {
    // Each round starts with the next gateway, so none always runs first (or just after the same neighbour).
    const order = gatewayNames.map((_, i) => gatewayNames[(i + r) % gatewayNames.length] as GatewayName);
    for (const kind of Object.keys(queries) as Kind[]) {
      for (const name of order) {
        const load = {
          url: gateways[name].url,
          body: JSON.stringify(queries[kind]),
          headers: headersOf(name),
          concurrency,
        };
        await loadAtConcurrency({ ...load, durationMs: warmupSeconds * 1000 });
        const cpuBefore = processCpuMs(gateways[name].pid);
        const run = await loadAtConcurrency({ ...load, durationMs: secondsPerRun * 1000 });
        const cpuMs = processCpuMs(gateways[name].pid) - cpuBefore;
        if (run.failures > 0) throw new Error(`${name} ${kind}: ${run.failures} failed, first: ${run.firstFailure}`);
        requestsPerSec[kind][name].push(run.requests / run.seconds);
        cpuMsPerRequest[kind][name].push(cpuMs / run.requests);
        latencies[kind][name].push(...run.latenciesMs);
        if (name === 'bst') bstRequests += run.requests;
      }
    }
  }
  const fetchesAfter = await subgraphFetches(gateways.bst.url);
  toggleProfiles();
  if (profiling) await new Promise((resolve) => setTimeout(resolve, 2000));

  const summary = (kind: Kind) => {
    const figures = {} as Record<
      GatewayName,
      { requestsPerSec: number; p50Ms: number; p99Ms: number; cpuMsPerRequest: number }
    >;
    for (const name of gatewayNames) {
      const sorted = latencies[kind][name].sort((a, b) => a - b);
      figures[name] = {
        requestsPerSec: Math.round(median(requestsPerSec[kind][name])),
        p50Ms: round(percentile(sorted, 50)),
        p99Ms: round(percentile(sorted, 99)),
        cpuMsPerRequest: round(median(cpuMsPerRequest[kind][name]), 3),
      };
    }
    const ratio = (other: GatewayName) => round(figures.bst.requestsPerSec / figures[other].requestsPerSec, 3);
    return {
      ...figures,
      ratioToBareApolloGateway: ratio('apolloGateway'),
      ratioToBareSameFetcher: ratio('apolloGatewayBstFetcher'),
      ratioToHiveGateway: ratio('hiveGateway'),
      cpuRatioToBareSameFetcher: round(
        figures.bst.cpuMsPerRequest / figures.apolloGatewayBstFetcher.cpuMsPerRequest,
        3,
      ),
    };
  };
  const coreList = summary('coreList');
  const federated = summary('federated');
  const targets = { ratioToBareSameFetcher: 0.95, ratioToHiveGateway: 1 };
  console.log(
    JSON.stringify({
      bench: 'gatewayQuery',
      concurrency,
      rounds,
      secondsPerRun,
      containers: stack.containers,
      coreList,
      federated,
      bstSubgraphFetchesPerRequest: round((fetchesAfter.sent - fetchesBefore.sent) / bstRequests, 3),
      bstMergedFetchesPerRequest: round((fetchesAfter.merged - fetchesBefore.merged) / bstRequests, 3),
      targets,
      meetsTargets: [coreList, federated].every(
        (s) =>
          s.ratioToBareSameFetcher >= targets.ratioToBareSameFetcher &&
          s.ratioToHiveGateway >= targets.ratioToHiveGateway,
      ),
      runs: requestsPerSec,
      ...(profiling
        ? {
            cpuProfiles: Object.fromEntries(
              gatewayNames.map((name) => [
                name,
                join(nodeOptions.CPU_PROFILE_DIR as string, `${gateways[name].pid}.cpuprofile`),
              ]),
            ),
          }
        : {}),
    }),
  );
} catch (error) {
  console.error('gatewayQuery failed:', error);
  process.exitCode = 1;
} finally {
  await Promise.all(Object.values(started).map((service) => service.stop()));
  await stack.stop();
}

function empty(): Record<GatewayName, number[]> {
  return { bst: [], apolloGateway: [], apolloGatewayBstFetcher: [], hiveGateway: [] };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Our gateway's subgraph fetches so far, sent and merged into one already in flight, from its /metrics. */
async function subgraphFetches(graphqlUrl: string): Promise<{ sent: number; merged: number }> {
  const text = await (await fetch(new URL('/metrics', graphqlUrl))).text();
  const read = (outcome: string) =>
    Number(
      new RegExp(`^bst_gateway_subgraph_fetches_total\\{outcome="${outcome}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0,
    );
  return { sent: read('sent'), merged: read('merged') };
}
