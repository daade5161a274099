import { createServer } from 'node:http';
import { configOrExit } from '@bst/service-kit';
import { configFromEnv } from './configFromEnv.ts';
import { demoFleet } from './fleet/demoFleet.ts';
import { startSimulator } from './publisher/startSimulator.ts';

const config = configOrExit(() => configFromEnv());
const options = config.options;
const simulator = startSimulator(options);
console.log(
  `[simulator] ${demoFleet.length} sensors, scenario "${String(options.scenario)}", every ${options.intervalMs} ms → ${options.mqttUrl}`,
);

// Containers have no other way to ask whether the simulator reaches its broker.
const health =
  config.healthPort !== undefined
    ? createServer((_request, response) => {
        response.writeHead(simulator.connected() ? 200 : 503, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ connected: simulator.connected(), published: simulator.published() }));
      }).listen(config.healthPort)
    : undefined;

const report = setInterval(() => console.log(`[simulator] ${simulator.published()} messages acknowledged`), 60_000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(report);
    health?.close();
    void simulator.stop().then(() => process.exit(0));
  });
}
