import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { processRssBytes } from './processRss.ts';

export interface ServiceProcessOptions {
  /** What the stack calls it (`core`, `gateway-2`, `redis`, ...). */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** True once the process serves (its /health answers, its port accepts); polled after every start. */
  ready(): Promise<boolean>;
  readyTimeoutMs?: number;
  /** Also append everything it writes to this file (every incarnation), for a long run's post-mortem. */
  logFile?: string;
}

export interface ServiceProcess {
  readonly name: string;
  /** The current incarnation's pid (a restart changes it). */
  readonly pid: number;
  running(): boolean;
  /** Everything this process (every incarnation) wrote to stdout and stderr, the last 256 KiB. */
  output(): string;
  rssBytes(): number;
  /** Sends the signal (SIGKILL by default: a crash) and resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again with the same command, environment and port; resolves once ready. */
  restart(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once gone. */
  stop(graceMs?: number): Promise<void>;
}

const keepOutput = 256 * 1024;

// Every child still running: a test runner that exits (a hook timed out, a run was interrupted) takes them along
// instead of leaving services behind on their ports.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const running of live) running.kill('SIGKILL');
  });
  // Ended by a signal, the runner exits as it would have (128 + the signal's number), after the hook above.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}

/** A real child process that can be killed and brought back on the same port, as an orchestrator would. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  let child: ChildProcess;
  let exited: Promise<void>;
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (options.logFile) appendFileSync(options.logFile, chunk);
    if (output.length > 2 * keepOutput) output = output.slice(-keepOutput);
  };

  const launch = async () => {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track(child);
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const current = child;
    exited = new Promise((resolve) => current.once('exit', () => resolve()));
    const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
    for (;;) {
      if (current.exitCode !== null || current.signalCode !== null) {
        throw new Error(
          `${options.name} exited with ${current.exitCode ?? current.signalCode}:\n${output.slice(-4000)}`,
        );
      }
      if (await options.ready()) return;
      if (Date.now() > deadline) {
        current.kill('SIGKILL');
        throw new Error(
          `${options.name} was not ready within ${options.readyTimeoutMs ?? 120_000} ms:\n${output.slice(-4000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!running()) return;
    child.kill(signal);
    await exited;
  };

  await launch();
  return {
    name: options.name,
    get pid() {
      return child.pid as number;
    },
    running,
    output: () => output,
    rssBytes: () => processRssBytes(child.pid as number),
    kill,
    async restart() {
      await kill();
      await launch();
    },
    async stop(graceMs = 10_000) {
      if (!running()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
