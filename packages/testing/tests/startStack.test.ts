import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersOk, processRssBytes, type Stack, services, startStack } from '../src/index.ts';

const gone = (pid: number) => Number.isNaN(processRssBytes(pid));

describe('the stack fixture: the real services as processes that can crash and come back', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ label: 'stack_fixture', redis: 'own', mqtt: 'own', gateways: 0, archive: false });
  }, 180_000);
  afterAll(() => stack?.stop(), 60_000);

  it('brings a SIGKILLed bridge back on the same health port, as a new process', async () => {
    const bridge = stack.bridge;
    if (!bridge) throw new Error('the stack runs a bridge');
    const before = bridge.pid;
    await bridge.kill('SIGKILL');
    expect(gone(before)).toBe(true);
    expect(await answersOk(bridge.healthUrl)).toBe(false);
    await bridge.restart();
    expect(bridge.pid).not.toBe(before);
    expect(await answersOk(bridge.healthUrl)).toBe(true);
  }, 120_000);

  it('runs its own Redis with AOF on: a write survives kill -9 and the restart on the same port', async () => {
    const server = stack.redis.server;
    if (!server) throw new Error('the stack runs its own Redis');
    const redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    await redis.connect();
    await redis.set(`${stack.redis.prefix}:survives`, 'yes');
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    redis.disconnect();
    await server.process.kill('SIGKILL');
    await server.process.restart();
    const again = new Redis(server.url);
    expect(await again.get(`${stack.redis.prefix}:survives`)).toBe('yes');
    again.disconnect();
  }, 60_000);

  it('leaves nothing behind: no process, no database, no directory', async () => {
    const pids = stack.processes().map((p) => p.pid);
    const dirs = [stack.redis.server?.dir, stack.mqtt.broker?.dir].filter((d): d is string => Boolean(d));
    expect(pids).toHaveLength(5);
    expect(dirs.every((dir) => existsSync(dir))).toBe(true);
    await stack.stop();
    expect(pids.filter((pid) => !gone(pid))).toEqual([]);
    expect(dirs.filter((dir) => existsSync(dir))).toEqual([]);
    const admin = postgres(services.postgresAdminUrl, { max: 1, onnotice: () => {} });
    const left = await admin`select 1 from pg_database where datname = ${stack.database.name}`;
    await admin.end();
    expect(left).toHaveLength(0);
  }, 60_000);
});
