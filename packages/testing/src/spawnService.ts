import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processRssBytes } from './stack/processRss.ts';

/** The repository root: services run from there, as `npm run start:*` runs them. */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface SpawnedService {
  pid: number;
  /** What the ready line named (the service's URL), from the pattern's first group. */
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resident memory of the process now, from /proc (what the kernel holds for it, heap or not). */
  rssBytes(): number;
  /** SIGTERM (or the given signal), then the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function start(main: string, env: Record<string, string>): ChildProcess {
  // Only what the test gives, on top of the machine's basics: no NODE_ENV=test or secrets leak in from the runner.
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a service's main.ts (path from the repository root) as a real process and resolves once it prints `ready`. */
export async function spawnService(
  main: string,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<SpawnedService> {
  const child = start(main, env);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${main} did not start:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? '');
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${main} exited with ${code}:\n${output}`));
    });
  });
  const pid = child.pid as number;
  return {
    pid,
    url,
    output: () => output,
    rssBytes: () => processRssBytes(pid),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs a service's main.ts that is expected to refuse to start: its exit code and what it wrote. */
export async function runUntilExit(
  main: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const child = start(main, env);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, output };
}
