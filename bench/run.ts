// Runs every bench/*.bench.ts (or the ones named on the command line) one after another, each in its own
// process so that one benchmark's heap and timers never colour another's; each prints one JSON line.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

let failed = 0;
for (const file of files) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) {
    failed++;
    console.error(JSON.stringify({ bench: file, error: `exited with ${run.status ?? run.signal}` }));
  }
}
process.exit(failed === 0 ? 0 : 1);
