import { readFileSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '../spawnService.ts';
import { acceptsConnections, freePort } from './freePort.ts';
import { type ServiceProcess, startServiceProcess } from './startServiceProcess.ts';

export interface MosquittoBroker {
  host: string;
  port: number;
  url: string;
  process: ServiceProcess;
  /** Its data directory (removed by `stop()`). */
  dir: string;
  /**
   * Resolves once the broker has written its database after `since` (epoch ms, default now): what a `kill -9` keeps.
   * A session or message it has not saved yet dies with it.
   */
  saved(since?: number, timeoutMs?: number): Promise<void>;
  /** Stops the broker and deletes its directory (persistence file and all). */
  stop(): Promise<void>;
}

export interface MosquittoOptions {
  /**
   * `project` (default): the persistence and queue settings of `mosquitto/mosquitto.conf`, what production runs, with
   * the database in the broker's own directory. `unbounded`: no persistence, unbounded queues and in-flight windows
   * (throughput benchmarks: the system broker's `max_queued_messages 1000` drops QoS 1 messages of a slow subscriber).
   */
  settings?: 'project' | 'unbounded';
  /** Also append the broker's log to this file. */
  logFile?: string;
  /** Directives that replace the project's of the same name (e.g. `autosave_interval 10`, to measure another setting). */
  overrides?: string[];
}

// The broker-wide settings of the project's file; listeners, auth and logging are the fixture's own.
const projectDirectives = new Set([
  'persistence',
  'autosave_on_changes',
  'autosave_interval',
  'persistent_client_expiration',
  'max_queued_messages',
  'max_queued_bytes',
  'max_inflight_messages',
  'max_inflight_bytes',
  'max_packet_size',
  'queue_qos0_messages',
  'upgrade_outgoing_qos',
]);

function projectSettings(): string[] {
  const file = readFileSync(join(repositoryRoot, 'mosquitto/mosquitto.conf'), 'utf8');
  return file
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => projectDirectives.has(directiveOf(line)));
}

const directiveOf = (line: string) => line.split(/\s+/)[0] ?? '';

function withOverrides(settings: string[], overrides: string[]): string[] {
  const replaced = new Set(overrides.map(directiveOf));
  return [...settings.filter((line) => !replaced.has(directiveOf(line))), ...overrides];
}

function savedAt(database: string): number {
  try {
    return statSync(database).mtimeMs;
  } catch {
    return 0;
  }
}

/** A Mosquitto of the caller's own on a spare port, anonymous, in a temporary directory; restartable on that port. */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'bst-mosquitto-'));
  // Started as root, Mosquitto drops to its own user: it must still be able to write its persistence file here.
  await chmod(dir, 0o777);
  const port = await freePort();
  const settings =
    options.settings === 'unbounded'
      ? ['persistence false', 'max_queued_messages 0', 'max_inflight_messages 0']
      : [...withOverrides(projectSettings(), options.overrides ?? []), `persistence_location ${dir}/`];
  const config = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    ...settings,
    'log_type error',
    'log_type warning',
    // A session's queue past max_queued_messages drops QoS 1 messages the publisher was already acknowledged for, and
    // Mosquitto says so only at notice level ("Outgoing messages are being dropped for client …").
    'log_type notice',
    'log_dest stderr',
  ];
  await writeFile(join(dir, 'mosquitto.conf'), `${config.join('\n')}\n`);
  const process = await startServiceProcess({
    name: 'mosquitto',
    command: 'mosquitto',
    args: ['-c', join(dir, 'mosquitto.conf')],
    cwd: dir,
    ready: () => acceptsConnections(port),
    ...(options.logFile ? { logFile: options.logFile } : {}),
  }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    host: '127.0.0.1',
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    process,
    async saved(since = Date.now(), timeoutMs = 30_000) {
      const database = join(dir, 'mosquitto.db');
      const deadline = Date.now() + timeoutMs;
      while (savedAt(database) <= since) {
        if (Date.now() > deadline) throw new Error(`mosquitto did not save its database within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      await process.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
