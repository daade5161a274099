import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repository = resolve(import.meta.dirname, '../../../..');

export interface SpawnedPlatform {
  child: ChildProcess;
  ports: { gateway: number; core: number; twin: number; mqtt: number };
  urls: { graph: string; graphWs: string; dashboard: string; mqtt: string };
  tokens: Record<'viewer' | 'operator' | 'admin', string>;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Sends `signal` to the whole process group, as Ctrl-C in a terminal does, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Removes the PGlite directory (after stop). */
  cleanup(): Promise<void>;
}

/** Free ports on 127.0.0.1, each held until all are chosen so two never coincide. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((listening) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => listening(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((closed) => server.close(closed))));
  return ports;
}

/** Whether nothing listens on `port` any more. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const probe = createServer();
    probe.once('error', () => answer(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => answer(true)));
  });
}

/** The command `npm start` runs (package.json's scripts.start), split into program and arguments. */
export function startCommand(): [string, string[], Record<string, string>] {
  const manifest = JSON.parse(readFileSync(join(repository, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = manifest.scripts.start.split(/\s+/);
  // Leading NAME=value words are the script's environment (e.g. AUTH_MODE=dev), as the shell would read them.
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  const [program, ...args] = words;
  return [program!, args, env];
}

/**
 * Runs `npm start`'s command (not npm itself, which re-raises a Ctrl-C on itself whatever its child did) in its own
 * process group with NODE_ENV unset, so production signal handling runs and a group signal is a terminal's Ctrl-C;
 * resolves once it prints that it is running.
 */
export async function spawnPlatform(
  env: Record<string, string> = {},
  { dataDir: keptDir, startTimeoutMs = 90_000 }: { dataDir?: string; startTimeoutMs?: number } = {},
): Promise<SpawnedPlatform> {
  const [gateway, core, twin, mqtt] = (await freePorts(4)) as [number, number, number, number];
  const dataDir = keptDir ?? (await mkdtemp(join(tmpdir(), 'bst-spawned-')));
  const { NODE_ENV: _unset, ...inherited } = process.env;
  const [program, args, scriptEnv] = startCommand();
  const child = spawn(program, args, {
    cwd: repository,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...inherited,
      ...scriptEnv,
      GATEWAY_PORT: `${gateway}`,
      CORE_PORT: `${core}`,
      TWIN_PORT: `${twin}`,
      MQTT_PORT: `${mqtt}`,
      DATA_DIR: dataDir,
      BRIDGE_CLIENT_ID: `bst-spawned-${gateway}`,
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );

  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`not running after ${startTimeoutMs} ms:\n${output}`)),
      startTimeoutMs,
    );
    const check = () => {
      if (!output.includes('Ctrl-C stops everything.')) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      ready();
    };
    child.stdout?.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code} before running:\n${output}`));
    });
  });

  const token = (role: string) => new RegExp(`^  ${role}\\s+(\\S+)$`, 'm').exec(output)?.[1] ?? '';
  return {
    child,
    ports: { gateway, core, twin, mqtt },
    urls: {
      graph: `http://127.0.0.1:${gateway}/graphql`,
      graphWs: `ws://127.0.0.1:${gateway}/graphql`,
      dashboard: `http://127.0.0.1:${gateway}/`,
      mqtt: `mqtt://127.0.0.1:${mqtt}`,
    },
    tokens: { viewer: token('viewer'), operator: token('operator'), admin: token('admin') },
    output: () => output,
    async stop(signal = 'SIGINT') {
      const sentAt = Date.now();
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
      const result = await exited;
      return { ...result, ms: Date.now() - sentAt };
    },
    async cleanup() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      if (!keptDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
