import { randomBytes } from 'node:crypto';
import { signToken } from '@bst/gateway';
import type { Role } from '@bst/identity';
import { createRedisTestPrefix, createTestDatabase, type SpawnedService, services, spawnService } from '@bst/testing';

export interface ProductionStack {
  core: SpawnedService;
  twin: SpawnedService;
  gateway: SpawnedService;
  /** The MQTT bridge, when asked for (`url` is its probe server: /health, /ready). */
  bridge: SpawnedService | null;
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
  /** LOG_LEVEL of every service (default info). */
  logLevel?: string;
}

/**
 * Core, twin and gateway (and the bridge, when asked) as the real processes `npm run start:*` runs, in production mode
 * (NODE_ENV=production, real secrets, no dev mode) on the real Postgres and Redis: what the review attacked.
 */
export async function startProductionStack(
  label: string,
  options: ProductionStackOptions = {},
): Promise<ProductionStack> {
  const database = await createTestDatabase(label);
  const redis = createRedisTestPrefix(label);
  const redisUrl = options.redisUrl ?? services.redisUrl;
  const secret = randomBytes(24).toString('base64url');
  const jwtSecret = randomBytes(24).toString('base64url');
  const production = {
    NODE_ENV: 'production',
    GATEWAY_SHARED_SECRET: secret,
    HOST: '127.0.0.1',
    PORT: '0',
    ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}),
  };
  const started: SpawnedService[] = [];
  try {
    const core = await spawnService(
      'subgraphs/core/src/main.ts',
      { ...production, DATABASE_URL: database.url, SEED_DEMO: '1' },
      /core subgraph ready at (\S+)/,
    );
    started.push(core);
    const twin = await spawnService(
      'subgraphs/twin/src/subgraph/main.ts',
      { ...production, REDIS_URL: redisUrl, TWIN_STORE_PREFIX: redis.prefix, CORE_GRAPH_URL: core.url },
      /"url":"([^"]+)"/,
    );
    started.push(twin);
    const bridge = options.bridgeTopicPrefix
      ? await spawnService(
          'subgraphs/twin/src/bridge/main.ts',
          {
            ...production,
            REDIS_URL: redisUrl,
            TWIN_STORE_PREFIX: redis.prefix,
            CORE_GRAPH_URL: core.url,
            MQTT_URL: services.mqttUrl,
            MQTT_TOPIC_PREFIX: options.bridgeTopicPrefix,
            BRIDGE_CLIENT_ID: `${options.bridgeTopicPrefix}-bridge`,
            BRIDGE_HEALTH_PORT: '0',
            CATALOG_POLL_MS: '1000',
          },
          /"probes":"([^"]+)"/,
        )
      : null;
    if (bridge) started.push(bridge);
    const gateway = await spawnService(
      'apps/gateway/src/main.ts',
      {
        ...production,
        JWT_SECRET: jwtSecret,
        SUPERGRAPH_WATCH: 'false',
        SUBGRAPH_CORE_URL: core.url,
        SUBGRAPH_TWIN_URL: twin.url,
        REDIS_URL: redisUrl,
        GATEWAY_REDIS_PREFIX: `${redis.prefix}:gateway`,
        // The attacks below are each refused on their own merits, not by the rate (which has its own tests).
        RATE_LIMIT_PER_MINUTE: '1000000',
      },
      /gateway ready at (\S+)/,
    );
    started.push(gateway);
    return {
      core,
      twin,
      gateway,
      bridge,
      secret,
      jwtSecret,
      twinStorePrefix: redis.prefix,
      token: (roles, subject, options = {}) =>
        signToken(jwtSecret, { subject, roles: roles as Role[] }, options.expiresIn ?? '10m'),
      async stop() {
        for (const service of started.reverse()) await service.stop();
        await redis.cleanup();
        await database.drop();
      },
    };
  } catch (error) {
    for (const service of started.reverse()) await service.stop();
    await redis.cleanup();
    await database.drop();
    throw error;
  }
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
