// The alert benchmarks' view of the stack (`startStack` of @bst/testing: core, twin, bridge and gateway as real
// processes on this machine's Postgres, Redis and Mosquitto): an admin client, a device, the store's stream to
// compare against, and the gateway's own memory figures.
import { signToken } from '@bst/gateway';
import { GATEWAY_IDENTITY_HEADER, sealIdentity } from '@bst/identity';
import { connectMqttDevice, freePort, startStack } from '@bst/testing';
import { createRedisTwinStore } from '@bst/twin';
import { gatewayAdmin } from './gatewayAdmin.ts';

export const minute = 60_000;
const catalogPollMs = 200;

export const alertSubscription = `subscription Alerts($filter: AlertFilter) {
  alertEvents(filter: $filter) { transition alert { id container { code site { name } } } }
}`;
/** The same events straight from the twin, which cannot resolve core's fields: the baseline path. */
export const twinOnlySubscription = `subscription Alerts($filter: AlertFilter) {
  alertEvents(filter: $filter) { transition alert { id container { code } } }
}`;

export interface AlertStackOptions {
  /** More settings for the gateway process (its subscription limits, say). */
  gatewayEnv?: Record<string, string>;
  /** Opens the gateway's inspector on a free port (`gatewayInspectorPort`): memory after a full GC, heap snapshots. */
  inspectGateway?: boolean;
}

// Bench settings are read here, not by turbo tasks.
const benchEnv = process.env;

export async function startAlertStack(label: string, options: AlertStackOptions = {}) {
  const inspectorPort = options.inspectGateway ? await freePort() : undefined;
  const inspectorEnv: Record<string, string> = inspectorPort
    ? { NODE_OPTIONS: `${benchEnv.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${inspectorPort}`.trim() }
    : {};
  const stack = await startStack({
    label,
    seed: true,
    archive: false,
    // BENCH_GATEWAY_MAIN runs another build of the gateway (e.g. a copy of an earlier commit) for an A/B comparison.
    ...(benchEnv.BENCH_GATEWAY_MAIN ? { gatewayMain: benchEnv.BENCH_GATEWAY_MAIN } : {}),
    env: {
      bridge: { CATALOG_POLL_MS: String(catalogPollMs) },
      gateway: {
        // The benchmarks measure event delivery, not admission: 1,000 clients of one subject must all get in.
        RATE_LIMIT_PER_MINUTE: '0',
        MAX_SOCKETS_PER_IDENTITY: '100000',
        MAX_SUBSCRIPTIONS_PER_IDENTITY: '100000',
        ...options.gatewayEnv,
        ...inspectorEnv,
      },
    },
  });
  const store = createRedisTwinStore({ redis: stack.redis.url, prefix: stack.redis.prefix });
  const device = await connectMqttDevice({}, stack.mqtt.url);
  const token = await signToken(stack.jwtSecret, { subject: 'bench', roles: ['viewer'] }, '1h');
  const adminToken = await signToken(stack.jwtSecret, { subject: 'bench-admin', roles: ['admin'] }, '1h');
  const gatewayUrl = stack.gateway.url;

  return {
    gatewayUrl,
    gatewayPid: stack.gateway.pid,
    /** What the gateway process wrote (its log), to print when a run fails. */
    gatewayOutput: () => stack.gateway.output(),
    /** Set with `inspectGateway`: where `inspectProcess` attaches. */
    gatewayInspectorPort: inspectorPort,
    /** A client of the stack's twin store (the alert stream the clients' events are compared with). */
    store,
    /** A query or mutation through the gateway as an admin (creating profiles and containers). */
    admin: gatewayAdmin(gatewayUrl, adminToken),
    /**
     * Resolves once the bridge knows the containers: the catalog cached in the store (written by whoever loaded it
     * from core) lists them, and the bridge, polling core's catalog version, has had two polls to pick it up.
     */
    async bridgeKnows(codes: readonly string[], timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const catalog = await store.cachedCatalog();
        const known = new Set(catalog?.bindings.map((b) => b.code));
        if (codes.every((code) => known.has(code))) break;
        if (Date.now() > deadline) throw new Error('the bridge never learned the containers');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, 2 * catalogPollMs + 100));
    },
    /** The gateway's Prometheus text (its counters of slow consumers and resumes). */
    gatewayMetricsText: async () => (await fetch(new URL('/metrics', gatewayUrl))).text(),
    twinUrl: stack.twin.url,
    token,
    twinIdentity: async () => ({
      [GATEWAY_IDENTITY_HEADER]: await sealIdentity({ subject: 'bench', roles: ['viewer'] }, stack.secret),
    }),
    /** Publishes one reading for a container, QoS 1, as a device would. */
    publish(code: string, temperature: number, ts: number) {
      return device.publishAsync(
        `${stack.mqtt.topicPrefix}/telemetry/box/${code}`,
        JSON.stringify({ temperature, humidity: 50, ts }),
        { qos: 1 },
      );
    },
    /** The gateway process's resident memory and heap, from its own /metrics. */
    async gatewayMemory() {
      const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
      const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
      return { rssBytes: read('process_resident_memory_bytes'), heapBytes: read('nodejs_heap_size_used_bytes') };
    },
    async stop() {
      await device.endAsync();
      await store.close();
      await stack.stop();
    },
  };
}

export type AlertStack = Awaited<ReturnType<typeof startAlertStack>>;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
