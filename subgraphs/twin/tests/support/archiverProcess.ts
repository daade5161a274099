import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stubCoreSecret } from './stubCore.ts';

const twinRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ArchiverProcessEnv {
  REDIS_URL: string;
  TWIN_STORE_PREFIX: string;
  ARCHIVE_DATABASE_URL: string;
  CORE_GRAPH_URL: string;
  ARCHIVER_CONSUMER: string;
  ARCHIVER_CLAIM_IDLE_MS?: string;
  ARCHIVER_BATCH_SIZE?: string;
}

/** `npm run start:archiver` as a real child process (tsx), resolved once it prints its ready line. */
export async function spawnArchiver(env: ArchiverProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(twinRoot, 'src/archive/main.ts')], {
    cwd: twinRoot,
    // It seals its catalog queries for the stub core with the stub's secret (without one it refuses to start).
    env: {
      ...process.env,
      GATEWAY_SHARED_SECRET: stubCoreSecret,
      ARCHIVER_HEALTH_PORT: '0',
      ARCHIVER_IDLE_MS: '20',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`archiver did not start: ${stderr}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('"ready":true')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`archiver exited with ${code}: ${stderr}`));
    });
  });
  return child;
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
