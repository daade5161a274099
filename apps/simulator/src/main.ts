import { createServer } from 'node:http';
import { demoFleet } from './fleet/demoFleet.ts';
import { optionsFromEnv } from './optionsFromEnv.ts';
import { startSimulator } from './publisher/startSimulator.ts';

const options = optionsFromEnv();
const simulator = startSimulator(options);
console.log(
  `[simulator] ${demoFleet.length} sensors, scenario "${String(options.scenario)}", every ${options.intervalMs} ms → ${options.mqttUrl}`,
);

// Containers have no other way to ask whether the simulator reaches its broker.
const health = process.env.SIM_HEALTH_PORT
  ? createServer((_request, response) => {
      response.writeHead(simulator.connected() ? 200 : 503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ connected: simulator.connected(), published: simulator.published() }));
    }).listen(Number(process.env.SIM_HEALTH_PORT))
  : undefined;

const report = setInterval(() => console.log(`[simulator] ${simulator.published()} messages acknowledged`), 60_000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(report);
    health?.close();
    void simulator.stop().then(() => process.exit(0));
  });
}
