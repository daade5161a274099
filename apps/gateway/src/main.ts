import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { issueDevTokens } from './auth/index.ts';
import { createGateway } from './server.ts';
import { subgraphUrlsFromEnv } from './supergraph/loadSupergraph.ts';

const env = process.env;
const supergraphPath = resolve(env.SUPERGRAPH_PATH ?? 'schema/supergraph.graphql');
const mode = env.AUTH_MODE === 'dev' ? 'dev' : 'jwt';
const jwtSecret = env.JWT_SECRET ?? (mode === 'dev' ? 'bst-dev-jwt-secret' : undefined);
const names = Supergraph.build(readFileSync(supergraphPath, 'utf8'))
  .subgraphsMetadata()
  .map((s) => s.name);

const gateway = await createGateway({
  supergraphPath,
  port: Number(env.PORT ?? 4000),
  host: env.HOST ?? '0.0.0.0',
  subgraphUrls: subgraphUrlsFromEnv(names, env),
  auth: { mode, jwtSecret, jwksUrl: env.JWKS_URL, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE },
  // 0 turns the per-client limit off.
  rateLimit: {
    perMinute: Number(env.RATE_LIMIT_PER_MINUTE ?? 600),
    ...(env.RATE_LIMIT_BURST ? { burst: Number(env.RATE_LIMIT_BURST) } : {}),
  },
  maxBodyBytes: env.MAX_BODY_BYTES ? Number(env.MAX_BODY_BYTES) : undefined,
  watchSupergraph: env.SUPERGRAPH_WATCH !== 'false',
  ...(env.DASHBOARD_DIR ? { staticDir: resolve(env.DASHBOARD_DIR) } : {}),
});
console.log(`gateway ready at ${gateway.url} (supergraph ${supergraphPath})`);
if (mode === 'dev' && jwtSecret) {
  console.log('AUTH_MODE=dev: anonymous requests act as viewer. Ready-made bearer tokens:');
  for (const [role, token] of Object.entries(await issueDevTokens(jwtSecret))) console.log(`  ${role}: ${token}`);
}

process.on('SIGHUP', () => {
  gateway.reload().then(
    () => console.log(`reloaded ${supergraphPath}`),
    (error: unknown) => console.error(`supergraph reload failed, still serving the previous one: ${String(error)}`),
  );
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: draining`);
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
