import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { configOrExit, createLogger, errorLogOf } from '@bst/service-kit';
import { issueDevTokens } from './auth/index.ts';
import { configFromEnv } from './configFromEnv.ts';
import { createGateway } from './server.ts';
import { subgraphUrlsFromEnv } from './supergraph/loadSupergraph.ts';

const config = configOrExit(() => configFromEnv());
const logger = createLogger('gateway', config.logLevel);
const names = Supergraph.build(readFileSync(config.supergraphPath, 'utf8'))
  .subgraphsMetadata()
  .map((s) => s.name);

const gateway = await createGateway({
  supergraphPath: config.supergraphPath,
  port: config.port,
  host: config.host,
  subgraphUrls: subgraphUrlsFromEnv(names, config.subgraphUrlVariables),
  auth: config.auth,
  sharedSecret: config.trust.secret,
  identityMaxAgeSeconds: config.trust.identityMaxAgeSeconds,
  rateLimit: config.rateLimit,
  limits: config.limits,
  connectionLimits: config.connectionLimits,
  maxBodyBytes: config.maxBodyBytes,
  subscriptions: {
    limits: config.subscriptionLimits,
    // Only at debug: one line per event delivered, with the id of the reading behind it (as the bridge logged it).
    ...(logger.isLevelEnabled('debug')
      ? {
          onEventDelivered: (eventId: string, clients: number) => logger.debug({ eventId, clients }, 'event delivered'),
        }
      : {}),
  },
  ...(config.redis ? { sharedLimitsRedis: config.redis } : {}),
  watchSupergraph: config.watchSupergraph,
  ...(config.dashboardDir ? { staticDir: config.dashboardDir } : {}),
  logger,
  errorLog: errorLogOf(logger),
});
logger.info({ url: gateway.url }, `gateway ready at ${gateway.url} (supergraph ${config.supergraphPath})`);
if (config.auth.mode === 'dev' && config.auth.jwtSecret) {
  // Printed for a person at a terminal, not as log lines.
  console.log('AUTH_MODE=dev: anonymous requests act as viewer. Ready-made bearer tokens:');
  for (const [role, token] of Object.entries(await issueDevTokens(config.auth.jwtSecret))) {
    console.log(`  ${role}: ${token}`);
  }
}

process.on('SIGHUP', () => {
  gateway.reload().then(
    () => logger.info({ supergraph: config.supergraphPath }, 'supergraph reloaded'),
    (error: unknown) =>
      logger.error({ err: String(error) }, 'supergraph reload failed, still serving the previous one'),
  );
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'draining');
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  });
}
