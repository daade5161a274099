// A Mosquitto of the bench's own on a spare port: the system broker's `max_queued_messages 1000` drops QoS 1 messages
// for a subscriber that falls behind a fast publisher, and other engineers' suites share it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MosquittoBroker {
  host: string;
  port: number;
  url: string;
  /** The broker's process, for its CPU time (`processCpuMs`). */
  pid: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** No persistence, anonymous, unbounded queues and in-flight windows (the clients' receive maximum still applies). */
export async function startMosquitto(): Promise<MosquittoBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'bst-bench-mosquitto-'));
  const port = await freePort();
  const config = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    'max_queued_messages 0',
    'max_inflight_messages 0',
    'log_type error',
    'log_dest stderr',
  ].join('\n');
  await writeFile(join(dir, 'mosquitto.conf'), `${config}\n`);
  const child: ChildProcess = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 5000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`mosquitto did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { host: '127.0.0.1', port, url: `mqtt://127.0.0.1:${port}`, pid: child.pid as number, stop };
}
