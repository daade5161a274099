// The whole alert path on this machine's real services, for the subscription benchmarks: Postgres (core), Redis
// (twin store), Mosquitto (bridge), and the gateway in its own process so its memory and CPU are its own.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCoreSubgraph } from '@bst/core';
import { signToken } from '@bst/gateway';
import { GATEWAY_IDENTITY_HEADER, sealIdentity } from '@bst/identity';
import {
  connectMqttDevice,
  createRedisTestPrefix,
  createTestDatabase,
  services,
  uniqueName,
  uniqueTopicPrefix,
} from '@bst/testing';
import { coreCatalogSource, createRedisTwinStore, startBridge, startTwinSubgraph } from '@bst/twin';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const jwtSecret = 'bench-jwt-secret';
const secret = 'bench-gateway-shared-secret';
export const minute = 60_000;

export const alertSubscription = `subscription Alerts($filter: AlertFilter) {
  alertEvents(filter: $filter) { transition alert { id container { code site { name } } } }
}`;
/** The same events straight from the twin, which cannot resolve core's fields: the baseline path. */
export const twinOnlySubscription = `subscription Alerts($filter: AlertFilter) {
  alertEvents(filter: $filter) { transition alert { id container { code } } }
}`;

// BENCH_GATEWAY_MAIN runs another build of the gateway (e.g. a copy of an earlier commit) for an A/B comparison.
const benchEnv = process.env;
const gatewayMain = benchEnv.BENCH_GATEWAY_MAIN ?? join(root, 'apps/gateway/src/main.ts');

function startGatewayProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', gatewayMain], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /gateway ready at (\S+)/.exec(out)?.[1];
      if (url) resolve({ url, child });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${out}`)));
  });
}

export async function startAlertStack(label: string) {
  const database = await createTestDatabase(label);
  const core = await startCoreSubgraph({ databaseUrl: database.url, gatewaySecret: secret, seed: true });
  const catalogSource = coreCatalogSource({ url: core.url, secret });
  const redis = createRedisTestPrefix(label);
  const store = createRedisTwinStore({ redis: redis.url, prefix: redis.prefix });
  const twin = await startTwinSubgraph({ store, gatewaySecret: secret, catalogSource });
  const topicPrefix = uniqueTopicPrefix(label);
  const bridge = await startBridge({
    mqttUrl: services.mqttUrl,
    store,
    catalogSource,
    topicPrefix,
    clientId: uniqueName('bench-bridge'),
    catalogPollMs: 1000,
    schedulerIntervalMs: 1000,
  });
  const gateway = await startGatewayProcess({
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: jwtSecret,
    GATEWAY_SHARED_SECRET: secret,
    SUPERGRAPH_PATH: join(root, 'schema/supergraph.graphql'),
    SUPERGRAPH_WATCH: 'false',
    SUBGRAPH_CORE_URL: core.url,
    SUBGRAPH_TWIN_URL: twin.url,
    // The benchmarks measure event delivery, not admission: 1,000 clients of one subject must all get in.
    RATE_LIMIT_PER_MINUTE: '0',
    MAX_SOCKETS_PER_IDENTITY: '100000',
    MAX_SUBSCRIPTIONS_PER_IDENTITY: '100000',
  });
  const device = await connectMqttDevice();
  const token = await signToken(jwtSecret, { subject: 'bench', roles: ['viewer'] }, '1h');

  return {
    gatewayUrl: gateway.url,
    twinUrl: twin.url,
    token,
    twinIdentity: async () => ({
      [GATEWAY_IDENTITY_HEADER]: await sealIdentity({ subject: 'bench', roles: ['viewer'] }, secret),
    }),
    /** Publishes one reading for a container, QoS 1, as a device would. */
    publish(code: string, temperature: number, ts: number) {
      return device.publishAsync(
        `${topicPrefix}/telemetry/box/${code}`,
        JSON.stringify({ temperature, humidity: 50, ts }),
        { qos: 1 },
      );
    },
    /** The gateway process's resident memory and heap, from its own /metrics. */
    async gatewayMemory() {
      const text = await (await fetch(new URL('/metrics', gateway.url))).text();
      const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
      return { rssBytes: read('process_resident_memory_bytes'), heapBytes: read('nodejs_heap_size_used_bytes') };
    },
    async stop() {
      await device.endAsync();
      gateway.child.kill('SIGTERM');
      await new Promise((resolve) => gateway.child.once('exit', resolve));
      await bridge.stop();
      await twin.stop();
      await store.close();
      await core.stop();
      await database.drop();
      await redis.cleanup();
    },
  };
}

export type AlertStack = Awaited<ReturnType<typeof startAlertStack>>;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
