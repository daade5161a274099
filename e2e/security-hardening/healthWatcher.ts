import { spawn } from 'node:child_process';
import type { ServedProcess } from '@bst/testing';

// Runs in its own process: an attack driven from the test's own event loop must not delay what measures the services.
// stdin: the first line starts the attack phase (what came before is the idle phase), the second ends the watch.
const watcherSource = `
const urls = JSON.parse(process.argv[1]);
let phase = 'idle';
const times = { idle: [], attack: [] };
let unhealthy = 0;
const slowestOf = {};
process.stdin.on('data', (chunk) => {
  for (const line of String(chunk).split('\\n').filter(Boolean)) phase = phase === 'idle' ? 'attack' : 'done';
});
const p95 = (list) => { const s = [...list].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? null; };
(async () => {
  await Promise.all(urls.map(async (url) => {
    while (phase !== 'done') {
      const during = phase;
      const started = performance.now();
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        if (response.status !== 200 && during === 'attack') unhealthy++;
      } catch { if (during === 'attack') unhealthy++; }
      const took = performance.now() - started;
      times[during]?.push(took);
      if (during === 'attack') slowestOf[url] = Math.max(slowestOf[url] ?? 0, Math.round(took));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }));
  process.stdout.write(JSON.stringify({
    idleP95: p95(times.idle), p95: p95(times.attack), slowest: Math.max(0, ...times.attack),
    answers: times.attack.length, unhealthy, slowestOf,
  }));
  process.exit(0);
})();
`;

export interface HealthReport {
  /** 95 % of the /health answers before the attack came at least this fast, in ms (how loaded the machine is). */
  idleP95: number;
  /** The same during the attack. */
  p95: number;
  /** The slowest answer during the attack. */
  slowest: number;
  answers: number;
  /** Answers during the attack that were not 200, or did not come within 5 s. */
  unhealthy: number;
  /** The slowest answer of each /health URL during the attack (which service was slow). */
  slowestOf: Record<string, number>;
}

/** Polls every service's /health from a separate process, idle for a moment and then while `attack` runs. */
export async function whileWatchingHealth<T>(
  services: ServedProcess[],
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
  await new Promise((resolve) => setTimeout(resolve, 600));
  watcher.stdin.write('attack\n');
  let result: T;
  try {
    result = await attack();
  } finally {
    watcher.stdin.end('done\n');
    await exited;
  }
  return { result, health: JSON.parse(out) as HealthReport };
}

/**
 * /health keeps answering during an attack: 95 % within 200 ms. On a machine so loaded that idle answers are already
 * slow (a shared CI runner), what the attack may add is judged instead: within 100 ms of the idle figure, doubled.
 */
export function responsiveBound(health: HealthReport): number {
  return Math.max(200, health.idleP95 * 2 + 100);
}
