import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisTestTarget } from '@bst/testing';
import { stubCoreSecret } from './stubCore.ts';

const twinRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BridgeProcessEnv {
  MQTT_URL: string;
  REDIS_URL?: string;
  REDIS_CLUSTER_NODES?: string;
  CORE_GRAPH_URL: string;
  MQTT_TOPIC_PREFIX: string;
  TWIN_STORE_PREFIX: string;
  BRIDGE_CLIENT_ID: string;
  BRIDGE_GROUP?: string;
}

/** The store's connection as the bridge reads it from its environment: one Redis or a cluster. */
export function redisEnv(target: RedisTestTarget): { REDIS_URL: string } | { REDIS_CLUSTER_NODES: string } {
  if ('url' in target) return { REDIS_URL: target.url };
  return { REDIS_CLUSTER_NODES: target.clusterNodes.map((node) => `${node.host}:${node.port}`).join(',') };
}

/** `npm run start:bridge` as a real child process (tsx), resolved once it prints its ready line. */
export async function spawnBridge(env: BridgeProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(twinRoot, 'src/bridge/main.ts')], {
    cwd: twinRoot,
    // A bridge started without its secret (and without AUTH_MODE=dev) refuses to start: it seals for the stub core.
    env: { ...process.env, GATEWAY_SHARED_SECRET: stubCoreSecret, BRIDGE_HEALTH_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bridge did not start: ${stderr}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('"ready":true')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bridge exited with ${code}: ${stderr}`));
    });
  });
  return child;
}

export async function killBridge(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
