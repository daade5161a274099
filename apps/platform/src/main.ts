import { configOrExit } from '@bst/service-kit';
import { configFromEnv } from './configFromEnv.ts';
import { startPlatform } from './startPlatform.ts';

const log = (line: string) => console.log(`[platform] ${line}`);
const startedAt = Date.now();
const platform = await startPlatform({ ...configOrExit(() => configFromEnv()), log });
const { urls, tokens, adapters } = platform;

console.log(`
Bio Supply Twin is running (${((Date.now() - startedAt) / 1000).toFixed(1)} s): ${adapters.database} database, ${adapters.twinStore} twin store, ${adapters.mqtt} MQTT broker.

  Graph (HTTP)       ${urls.graph}
  Graph (WebSocket)  ${urls.graphWs}
  Dashboard          ${urls.dashboard}
  MQTT               ${urls.mqtt}   (devices publish to bio_supply/telemetry/box/{code})
  Core subgraph      ${urls.core}${urls.twin ? `\n  Twin subgraph      ${urls.twin}` : ''}

Dev auth mode: a request without a token is an anonymous viewer. Bearer tokens (paste one into the dashboard):
${Object.entries(tokens)
  .map(([role, token]) => `  ${role.padEnd(9)}${token}`)
  .join('\n')}

Try: curl -s ${urls.graph} -H 'content-type: application/json' -d '{"query":"{ container(code: \\"BOX-0001\\") { code site { name } } }"}'
${platform.missing.length ? `\nNot running: ${platform.missing.join('; ')}\n` : ''}
Ctrl-C stops everything.`);

let stoppingSince = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // Ctrl-C signals the whole process group and tsx relays it too, so an echo within a second is the same request.
    if (stoppingSince) {
      if (Date.now() - stoppingSince > 1000) process.exit(1);
      return;
    }
    stoppingSince = Date.now();
    log(`${signal}: stopping`);
    setTimeout(() => process.exit(1), 15_000).unref();
    platform.stop().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
