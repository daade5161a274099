import { resolve } from 'node:path';
import { devSecrets } from '@bst/identity';
import {
  defineConfig,
  flag,
  type GatewayTrust,
  gatewayTrust,
  gatewayTrustVariables,
  integer,
  type LogLevel,
  loadConfig,
  logLevelVariables,
  optionalInteger,
  port,
  secret,
  text,
  url,
} from '@bst/service-kit';
import { defaultMaxTokenAgeSeconds } from './auth/createTokenVerifier.ts';
import type { AuthOptions } from './auth/index.ts';
import {
  type ConnectionLimits,
  defaultConnectionLimits,
  defaultOperationLimits,
  type OperationLimits,
  type RateLimit,
} from './limits/index.ts';
import { defaultSubscriptionLimits, type SubscriptionLimits } from './subscriptions/index.ts';

export interface GatewayConfig {
  port: number;
  host: string;
  supergraphPath: string;
  watchSupergraph: boolean;
  /** Subgraph URL overrides by `SUBGRAPH_<NAME>_URL` variable name (matched to subgraph names in main). */
  subgraphUrlVariables: Record<string, string>;
  auth: AuthOptions;
  trust: GatewayTrust;
  rateLimit: RateLimit;
  limits: OperationLimits;
  connectionLimits: ConnectionLimits;
  /** Per-client buffers (SSE and WebSocket), hydration backlog and resume buffer of each upstream subscription. */
  subscriptionLimits: SubscriptionLimits;
  maxBodyBytes: number;
  /** Shares rate limit and caps across gateway instances. */
  redis?: { url: string; prefix: string };
  /** The built dashboard, served at `/` (same origin as /graphql, so no proxy). */
  dashboardDir?: string;
  /** LOG_LEVEL: the least severe level written (pino). */
  logLevel: LogLevel;
}

const limit = (fallback: number, max = 10_000_000) => integer({ min: 1, max, fallback });

export const gatewayConfig = defineConfig({
  service: 'gateway',
  variables: {
    ...logLevelVariables,
    PORT: port(4000),
    HOST: text().default('0.0.0.0'),
    SUPERGRAPH_PATH: text(4096).default('schema/supergraph.graphql'),
    SUPERGRAPH_WATCH: flag(true),
    JWT_SECRET: secret().optional(),
    JWKS_URL: url(['https', 'http']).optional(),
    JWT_ISSUER: text().optional(),
    JWT_AUDIENCE: text().optional(),
    JWT_MAX_AGE_SECONDS: integer({ min: 60, max: 30 * 24 * 3600, fallback: defaultMaxTokenAgeSeconds }),
    ...gatewayTrustVariables,
    RATE_LIMIT_PER_MINUTE: integer({ min: 0, max: 1_000_000, fallback: 600 }),
    RATE_LIMIT_BURST: optionalInteger({ min: 1, max: 1_000_000 }),
    MAX_BODY_BYTES: limit(100 * 1024, 64 * 1024 * 1024),
    MAX_QUERY_DEPTH: limit(defaultOperationLimits.maxDepth, 1000),
    MAX_ALIASES: limit(defaultOperationLimits.maxAliases),
    MAX_QUERY_COST: limit(defaultOperationLimits.maxCost, Number.MAX_SAFE_INTEGER),
    MAX_QUERY_TOKENS: limit(defaultOperationLimits.maxTokens),
    ASSUMED_LIST_SIZE: limit(defaultOperationLimits.assumedListSize),
    WS_MAX_PAYLOAD_BYTES: limit(defaultConnectionLimits.maxWebSocketPayloadBytes, 64 * 1024 * 1024),
    MAX_SOCKETS_PER_IDENTITY: limit(defaultConnectionLimits.maxSocketsPerIdentity),
    MAX_SUBSCRIPTIONS_PER_SOCKET: limit(defaultConnectionLimits.maxSubscriptionsPerSocket),
    MAX_SUBSCRIPTIONS_PER_IDENTITY: limit(defaultConnectionLimits.maxSubscriptionsPerIdentity),
    SUBSCRIPTION_CLIENT_BUFFER_EVENTS: limit(defaultSubscriptionLimits.client.maxEvents, 1_000_000),
    SUBSCRIPTION_CLIENT_BUFFER_BYTES: limit(defaultSubscriptionLimits.client.maxBytes, 1024 * 1024 * 1024),
    SUBSCRIPTION_HYDRATION_BACKLOG: limit(defaultSubscriptionLimits.hydrationBacklog, 1_000_000),
    SUBSCRIPTION_RESUME_BUFFER: limit(defaultSubscriptionLimits.resumeBuffer, 100_000),
    SUBSCRIPTION_CLIENTS_PER_TURN: limit(defaultSubscriptionLimits.clientsPerTurn),
    REDIS_URL: url(['redis', 'rediss']).optional(),
    GATEWAY_REDIS_PREFIX: text().default('bst:gateway'),
    DASHBOARD_DIR: text(4096).optional(),
  },
  patterns: {
    SUBGRAPH_NAME_URL: { match: /^SUBGRAPH_[A-Z0-9_]+_URL$/, value: url(['http', 'https']) },
  },
  requiredUnlessDev: ['GATEWAY_SHARED_SECRET'],
  check: (present) =>
    present.AUTH_MODE === 'dev' || present.JWT_SECRET || present.JWKS_URL
      ? []
      : [
          {
            variable: 'JWT_SECRET',
            problem: 'is required, or JWKS_URL (only AUTH_MODE=dev runs on a public dev secret)',
          },
        ],
  build: (env, matched): GatewayConfig => ({
    logLevel: env.LOG_LEVEL,
    port: env.PORT,
    host: env.HOST,
    supergraphPath: resolve(env.SUPERGRAPH_PATH),
    watchSupergraph: env.SUPERGRAPH_WATCH,
    subgraphUrlVariables: matched.SUBGRAPH_NAME_URL ?? {},
    auth: {
      mode: env.AUTH_MODE,
      ...(env.JWKS_URL ? { jwksUrl: env.JWKS_URL } : { jwtSecret: env.JWT_SECRET ?? devSecrets.jwt }),
      ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
      ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
      maxTokenAgeSeconds: env.JWT_MAX_AGE_SECONDS,
    },
    trust: gatewayTrust(env),
    // 0 turns the per-client limit off.
    rateLimit: {
      perMinute: env.RATE_LIMIT_PER_MINUTE,
      ...(env.RATE_LIMIT_BURST === undefined ? {} : { burst: env.RATE_LIMIT_BURST }),
    },
    limits: {
      maxDepth: env.MAX_QUERY_DEPTH,
      maxAliases: env.MAX_ALIASES,
      maxCost: env.MAX_QUERY_COST,
      maxTokens: env.MAX_QUERY_TOKENS,
      assumedListSize: env.ASSUMED_LIST_SIZE,
    },
    connectionLimits: {
      maxWebSocketPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
      maxSocketsPerIdentity: env.MAX_SOCKETS_PER_IDENTITY,
      maxSubscriptionsPerSocket: env.MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSubscriptionsPerIdentity: env.MAX_SUBSCRIPTIONS_PER_IDENTITY,
    },
    subscriptionLimits: {
      client: { maxEvents: env.SUBSCRIPTION_CLIENT_BUFFER_EVENTS, maxBytes: env.SUBSCRIPTION_CLIENT_BUFFER_BYTES },
      hydrationBacklog: env.SUBSCRIPTION_HYDRATION_BACKLOG,
      resumeBuffer: env.SUBSCRIPTION_RESUME_BUFFER,
      clientsPerTurn: env.SUBSCRIPTION_CLIENTS_PER_TURN,
    },
    maxBodyBytes: env.MAX_BODY_BYTES,
    ...(env.REDIS_URL ? { redis: { url: env.REDIS_URL, prefix: env.GATEWAY_REDIS_PREFIX } } : {}),
    ...(env.DASHBOARD_DIR ? { dashboardDir: resolve(env.DASHBOARD_DIR) } : {}),
  }),
});

/** `npm run start:gateway` settings, validated once at start. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfig, env);
}
