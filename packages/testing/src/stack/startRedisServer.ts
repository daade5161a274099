import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort.ts';
import { type ServiceProcess, startServiceProcess } from './startServiceProcess.ts';

export interface RedisServer {
  url: string;
  port: number;
  process: ServiceProcess;
  /** Its data directory (removed by `stop()`). */
  dir: string;
  /** SIGKILL: no shutdown save, connections cut as in a crash. */
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers (a hung host, a partition); `resume()` with SIGCONT. */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port and data directory (its AOF brings the data back). */
  restart(): Promise<void>;
  /** Stops the server and deletes its data directory (AOF and all). */
  stop(): Promise<void>;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    // A Redis still loading its AOF answers -LOADING: not ready yet.
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A redis-server of the caller's own on a spare port, configured as docker-compose.yml runs it: AOF on (with Redis's
 * default `appendfsync everysec`, which compose keeps) and `noeviction`; its data directory survives `kill -9`.
 */
export async function startRedisServer(options: { logFile?: string } = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'bst-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--maxmemory-policy',
    'noeviction',
    '--loglevel',
    'warning',
  ];
  const process = await startServiceProcess({
    name: 'redis',
    command: 'redis-server',
    ...(options.logFile ? { logFile: options.logFile } : {}),
    args,
    ready: () => answersPing(port),
  }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    process,
    kill: () => process.kill('SIGKILL'),
    pause: () => globalThis.process.kill(process.pid, 'SIGSTOP'),
    resume: () => globalThis.process.kill(process.pid, 'SIGCONT'),
    restart: () => process.restart(),
    async stop() {
      if (process.running()) globalThis.process.kill(process.pid, 'SIGCONT');
      await process.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
