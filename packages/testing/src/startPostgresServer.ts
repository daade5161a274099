import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

const run = promisify(execFile);

/** Debian's server binaries (the machine's shared Postgres is never touched: this one is the test's own). */
const binaries = process.env.TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:{port}/postgres */
  url: string;
  port: number;
  /** Stops the server (fast shutdown: open connections are cut). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  destroy(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Postgres refuses to run as root (CI runs as root): then every command runs as the `postgres` user. */
function asPostgres(command: string, args: string[]) {
  const path = join(binaries, command);
  return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', path, ...args]) : run(path, args);
}

/**
 * A throwaway Postgres server on a spare port, in a temp directory, for tests that stop and restart the database
 * under a running service (trust auth, user postgres).
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  let port = 0;
  do port = 35_000 + Math.floor(Math.random() * 10_000);
  while (!(await portIsFree(port)));
  const dir = await mkdtemp(join(tmpdir(), 'bst-pg-'));
  await chmod(dir, 0o777);
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) await run('chown', ['postgres', dir]);
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const server: PostgresServer = {
    url,
    port,
    async start() {
      await asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await sql`select 1`;
      } finally {
        await sql.end();
      }
    },
    async stop() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    async destroy() {
      await server.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
