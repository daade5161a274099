import { configOrExit } from '@bst/service-kit';
import { configFromEnv, portSettings } from './configFromEnv.ts';
import { PortInUseError } from './PortInUseError.ts';
import { startPlatform } from './startPlatform.ts';

const log = (line: string) => console.log(`[platform] ${line}`);
const startedAt = Date.now();

// A stop requested while starting waits for the start to settle, then stops what it started.
let stopRequested = false;
let stoppingSince = 0;
let stop: (() => Promise<void>) | undefined;

function requestStop(signal: NodeJS.Signals) {
  // Ctrl-C signals the whole process group and tsx relays it too, so an echo within a second is the same request.
  if (stoppingSince) {
    if (Date.now() - stoppingSince > 1000) {
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    return;
  }
  stoppingSince = Date.now();
  stopRequested = true;
  log(`${signal}: stopping`);
  setTimeout(() => {
    log('stop took longer than 10 s: exiting');
    process.exit(1);
  }, 10_000).unref();
  if (stop) finish(stop());
}

function finish(stopped: Promise<void>) {
  stopped.then(
    () => {
      log(`stopped in ${((Date.now() - stoppingSince) / 1000).toFixed(1)} s`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => requestStop(signal));

let platform: Awaited<ReturnType<typeof startPlatform>>;
try {
  platform = await startPlatform({ ...configOrExit(() => configFromEnv()), log });
} catch (error) {
  if (error instanceof PortInUseError) {
    const setting = portSettings[error.port];
    console.error(
      `\nCannot start: port ${error.number} (the ${error.port} port, ${setting}) is already in use.\n` +
        `Stop whatever holds it (is another \`npm start\` running?) or choose another port, e.g. ${setting}=${error.number + 10} npm start\n`,
    );
  } else {
    console.error(`\nCannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
}
stop = platform.stop;
if (stopRequested) finish(platform.stop());

const { urls, tokens, adapters } = platform;
console.log(`
Bio Supply Twin is running (${((Date.now() - startedAt) / 1000).toFixed(1)} s): ${adapters.database} database, ${adapters.twinStore} twin store, ${adapters.mqtt} MQTT broker.

  Dashboard          ${urls.dashboard}
  Graph (HTTP)       ${urls.graph}
  Graph (WebSocket)  ${urls.graphWs}
  MQTT               ${urls.mqtt}   (devices publish to bio_supply/telemetry/box/{code})
  Core subgraph      ${urls.core}${urls.twin ? `\n  Twin subgraph      ${urls.twin}` : ''}

Dev auth mode: a request without a token is an anonymous viewer. Bearer tokens (paste one into the dashboard):
${Object.entries(tokens)
  .map(([role, token]) => `  ${role.padEnd(9)}${token}`)
  .join('\n')}

Try: curl -s ${urls.graph} -H 'content-type: application/json' -d '{"query":"{ container(code: \\"BOX-0001\\") { code site { name } } }"}'
${platform.missing.length ? `\nNot running: ${platform.missing.join('; ')}\n` : ''}
Ctrl-C stops everything.`);
