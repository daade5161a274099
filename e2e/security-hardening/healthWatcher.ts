import { spawn } from 'node:child_process';
import type { ServedProcess } from '@bst/testing';

// Runs in its own process: an attack driven from the test's own event loop must not delay what measures the services.
// stdin: the first line starts the attack phase (what came before is the idle phase), the second ends the watch.
// stdout: "ready" once every URL has answered in the idle phase for a while, then the report as the last line. A
// poll that overlaps the attack (started or finished in it, or spanned it) is an attack answer: a stall that began
// before the attack or outlasted it is still seen.
const watcherSource = `
const urls = JSON.parse(process.argv[1]);
const idleMs = Number(process.argv[2]);
let phase = 'idle';
const times = { idle: [], attack: [] };
let unhealthy = 0;
const slowestOf = {};
const idleAnswers = new Set();
const startedAt = performance.now();
let readySent = false;
process.stdin.on('data', (chunk) => {
  for (const line of String(chunk).split('\\n').filter(Boolean)) phase = phase === 'idle' ? 'attack' : 'done';
});
const p95 = (list) => { const s = [...list].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? null; };
(async () => {
  await Promise.all(urls.map(async (url) => {
    while (phase !== 'done') {
      const startedIn = phase;
      const started = performance.now();
      let healthy = false;
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        healthy = response.status === 200;
      } catch {}
      const took = performance.now() - started;
      const during = startedIn === 'idle' && phase === 'idle' ? 'idle' : startedIn === 'done' ? null : 'attack';
      if (during) times[during].push(took);
      if (during === 'attack') {
        if (!healthy) unhealthy++;
        slowestOf[url] = Math.max(slowestOf[url] ?? 0, Math.round(took));
      }
      if (during === 'idle' && healthy) idleAnswers.add(url);
      if (!readySent && idleAnswers.size === urls.length && performance.now() - startedAt >= idleMs) {
        readySent = true;
        process.stdout.write('ready\\n');
      }
      if (phase !== 'done') await new Promise((resolve) => setTimeout(resolve, 20));
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
  // At least 600 ms of idle answers from every service, so idleP95 says how loaded the machine is.
  const watcher = spawn(process.execPath, ['-e', watcherSource, JSON.stringify(urls), '600'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  let announceReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    announceReady = resolve;
  });
  watcher.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) announceReady();
  });
  const exited = new Promise<void>((resolve) => watcher.once('exit', () => resolve()));
  // Not a fixed pause: a watcher still starting when the attack ends saw none of it (CI once counted 0 answers).
  const watching = await Promise.race([
    ready.then(() => true),
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30_000).unref()),
  ]);
  if (!watching) {
    watcher.kill();
    throw new Error('the /health watcher did not get an answer from every service within 30 s');
  }
  watcher.stdin.write('attack\n');
  let result: T;
  try {
    result = await attack();
  } finally {
    watcher.stdin.end('done\n');
    await exited;
  }
  return { result, health: JSON.parse(out.slice('ready\n'.length)) as HealthReport };
}

/**
 * /health keeps answering during an attack: 95 % within 200 ms. On a machine so loaded that idle answers are already
 * slow (a shared CI runner), what the attack may add is judged instead: within 100 ms of the idle figure, doubled.
 */
export function responsiveBound(health: HealthReport): number {
  return Math.max(200, health.idleP95 * 2 + 100);
}
