import { randomBytes } from 'node:crypto';
import { signToken } from '@bst/gateway';
import type { Role } from '@bst/identity';
import { createRedisTestPrefix, createTestDatabase, type SpawnedService, services, spawnService } from '@bst/testing';

export interface ProductionStack {
  core: SpawnedService;
  twin: SpawnedService;
  gateway: SpawnedService;
  /** The shared secret the services were started with (what an attacker would not have). */
  secret: string;
  /** The gateway's token key: the tests sign tokens an issuer might wrongly issue (no exp, no role). */
  jwtSecret: string;
  twinStorePrefix: string;
  token(roles: string[], subject: string, options?: { expiresIn?: string | number }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Core, twin and gateway as the real processes `npm run start:*` runs, in production mode (NODE_ENV=production, real
 * secrets, no dev mode) on the real Postgres and Redis: what the review attacked.
 */
export async function startProductionStack(label: string): Promise<ProductionStack> {
  const database = await createTestDatabase(label);
  const redis = createRedisTestPrefix(label);
  const secret = randomBytes(24).toString('base64url');
  const jwtSecret = randomBytes(24).toString('base64url');
  const production = { NODE_ENV: 'production', GATEWAY_SHARED_SECRET: secret, HOST: '127.0.0.1', PORT: '0' };
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
      { ...production, REDIS_URL: services.redisUrl, TWIN_STORE_PREFIX: redis.prefix, CORE_GRAPH_URL: core.url },
      /"url":"([^"]+)"/,
    );
    started.push(twin);
    const gateway = await spawnService(
      'apps/gateway/src/main.ts',
      {
        ...production,
        JWT_SECRET: jwtSecret,
        SUPERGRAPH_WATCH: 'false',
        SUBGRAPH_CORE_URL: core.url,
        SUBGRAPH_TWIN_URL: twin.url,
        REDIS_URL: services.redisUrl,
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
