import { spawn } from 'node:child_process';
import type { SpawnedService } from '@bst/testing';

// Runs in its own process: an attack driven from the test's own event loop must not delay what measures the services.
const watcherSource = `
const urls = JSON.parse(process.argv[1]);
let running = true, slowest = 0, unhealthy = 0, answers = 0;
const times = [];
const slowestOf = {};
process.stdin.on('data', () => { running = false; });
(async () => {
  await Promise.all(urls.map(async (url) => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        if (response.status !== 200) unhealthy++;
      } catch { unhealthy++; }
      const took = performance.now() - started;
      slowest = Math.max(slowest, took);
      times.push(took);
      slowestOf[url] = Math.max(slowestOf[url] ?? 0, Math.round(took));
      answers++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }));
  times.sort((a, b) => a - b);
  const p95 = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] ?? null;
  process.stdout.write(JSON.stringify({ slowest, p95, unhealthy, answers, slowestOf }));
  process.exit(0);
})();
`;

export interface HealthReport {
  /** The slowest /health answer of any service, in ms. */
  slowest: number;
  /** 95 % of the answers came at least this fast, in ms. */
  p95: number;
  /** Answers that were not 200, or did not come within 5 s. */
  unhealthy: number;
  answers: number;
  /** The slowest answer of each /health URL, in ms (which service was slow). */
  slowestOf: Record<string, number>;
}

/** Polls every service's /health from a separate process while `attack` runs, and reports how they answered. */
export async function whileWatchingHealth<T>(
  services: SpawnedService[],
  attack: () => Promise<T>,
): Promise<{ result: T; health: HealthReport }> {
  const urls = services.map((service) => new URL('/health', service.url).toString());
  const watcher = spawn(process.execPath, ['-e', watcherSource, JSON.stringify(urls)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  watcher.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => watcher.once('exit', () => resolve()));
  // Let the watcher take a few readings before the attack starts.
  await new Promise((resolve) => setTimeout(resolve, 200));
  try {
    return { result: await attack(), health: await stop() };
  } finally {
    if (watcher.exitCode === null) await stop();
  }
  async function stop(): Promise<HealthReport> {
    watcher.stdin.end('stop');
    await exited;
    return JSON.parse(out || '{"slowest":null,"p95":null,"unhealthy":null,"answers":0}') as HealthReport;
  }
}
