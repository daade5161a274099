import { demoFleet } from './fleet/demoFleet.ts';
import { optionsFromEnv } from './optionsFromEnv.ts';
import { startSimulator } from './publisher/startSimulator.ts';

const options = optionsFromEnv();
const simulator = startSimulator(options);
console.log(
  `[simulator] ${demoFleet.length} sensors, scenario "${String(options.scenario)}", every ${options.intervalMs} ms → ${options.mqttUrl}`,
);

const report = setInterval(() => console.log(`[simulator] ${simulator.published()} messages acknowledged`), 60_000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(report);
    void simulator.stop().then(() => process.exit(0));
  });
}
