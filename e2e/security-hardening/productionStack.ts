import { signToken } from '@bst/gateway';
import type { Role } from '@bst/identity';
import { type ServedProcess, type StackServiceName, startStack } from '@bst/testing';

export interface ProductionStack {
  core: ServedProcess;
  twin: ServedProcess;
  gateway: ServedProcess;
  /** The MQTT bridge, when asked for (`url` is its probe server: /health, /ready). */
  bridge: { url: string; output(): string } | null;
  /** The archiver, when asked for (`url` is its probe server: /health, /ready). */
  archiver: { url: string; output(): string } | null;
  /** The shared secret the services were started with (what an attacker would not have). */
  secret: string;
  /** The gateway's token key: the tests sign tokens an issuer might wrongly issue (no exp, no role). */
  jwtSecret: string;
  twinStorePrefix: string;
  token(roles: string[], subject: string, options?: { expiresIn?: string | number }): Promise<string>;
  stop(): Promise<void>;
}

export interface ProductionStackOptions {
  /** Another Redis than the machine's (one a test stops); every service uses it. */
  redisUrl?: string;
  /** Also run the bridge, subscribed under this MQTT topic root on the machine's broker. */
  bridgeTopicPrefix?: string;
  /** Also run the archiver (the durable archive in the stack's database, which twin and bridge then read too). */
  archive?: boolean;
  /** Core and the archive reach Postgres at this address (a relay a test cuts or freezes). */
  postgresVia?: { host: string; port: number };
  /** LOG_LEVEL of every service (default info). */
  logLevel?: string;
}

/**
 * Core, twin and gateway (and the bridge, when asked) as the real processes `npm run start:*` runs, in production mode
 * (NODE_ENV=production, real secrets, no dev mode) on the real Postgres and Redis: what the review attacked. The stack
 * fixture starts them.
 */
export async function startProductionStack(
  label: string,
  options: ProductionStackOptions = {},
): Promise<ProductionStack> {
  const everyService = (settings: Record<string, string>) =>
    Object.fromEntries(
      (['core', 'twin', 'bridge', 'archiver', 'gateway'] as StackServiceName[]).map((name) => [name, { ...settings }]),
    ) as Partial<Record<StackServiceName, Record<string, string>>>;
  const env = everyService({
    ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
  });
  // The attacks below are each refused on their own merits, not by the rate (which has its own tests).
  env.gateway = { ...env.gateway, RATE_LIMIT_PER_MINUTE: '1000000' };
  if (options.bridgeTopicPrefix) env.bridge = { ...env.bridge, MQTT_TOPIC_PREFIX: options.bridgeTopicPrefix };
  const stack = await startStack({
    label,
    seed: true,
    bridge: options.bridgeTopicPrefix !== undefined,
    archive: options.archive ?? false,
    ...(options.postgresVia ? { postgresVia: options.postgresVia } : {}),
    env,
  });
  const bridge = stack.bridge;
  const archiver = stack.archiver;
  return {
    core: stack.core,
    twin: stack.twin,
    gateway: stack.gateway,
    bridge: bridge ? { url: bridge.healthUrl, output: () => bridge.output() } : null,
    archiver: archiver ? { url: archiver.healthUrl, output: () => archiver.output() } : null,
    secret: stack.secret,
    jwtSecret: stack.jwtSecret,
    twinStorePrefix: stack.redis.prefix,
    token: (roles, subject, options = {}) =>
      signToken(stack.jwtSecret, { subject, roles: roles as Role[] }, options.expiresIn ?? '10m'),
    stop: () => stack.stop(),
  };
}

/** One legitimate request down each path the attacks take, so that first-use compilation is not what is measured. */
export async function warmUp(stack: ProductionStack, viewer: string): Promise<void> {
  const graphql = (query: string) =>
    fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer}` },
      body: JSON.stringify({ query }),
    }).then((response) => response.text());
  for (let round = 0; round < 3; round++) {
    await Promise.all([
      graphql('{ __schema { types { name } } }'),
      graphql('{ sites { code containers { code } } }'),
      graphql('{ alerts(first: 5) { id } ingestStats { accepted } deadLetters(first: 1) { reason } }'),
      graphql('{ auditLog(first: 1) { totalCount } container(code: "BOX-0001") { code } }'),
      ...[stack.gateway, stack.core, stack.twin].map((service) =>
        fetch(new URL('/health', service.url)).then((r) => r.text()),
      ),
    ]);
  }
}
