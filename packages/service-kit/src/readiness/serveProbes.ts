import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkDependencies, type DependencyCheck } from './checkDependencies.ts';

export interface ProbeServerOptions {
  port: number;
  host: string;
  /** What `/ready` checks, by dependency name. */
  dependencies: Record<string, DependencyCheck>;
  /** Figures added to both answers (messages handled, lag, ...). */
  details?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** More routes (e.g. `/metrics`): return true when handled. */
  route?: (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;
}

export interface ProbeServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** How long the figures may take: they come from the dependencies, and a hung one must not delay /health or /ready. */
const detailsTimeoutMs = 1000;

/** The figures, or none when they fail or take longer than `detailsTimeoutMs` (a frozen Redis). */
async function detailsWithin(details: ProbeServerOptions['details']): Promise<Record<string, unknown>> {
  if (!details) return {};
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(details),
      new Promise<Record<string, unknown>>((resolve) => {
        timer = setTimeout(() => resolve({}), detailsTimeoutMs);
      }),
    ]);
  } catch {
    return {};
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For a service that serves no graph (bridge, archiver): `GET /health` is liveness (200 while the process runs),
 * `GET /ready` is 200 when every dependency answers, else 503 naming the failing ones.
 */
export async function serveProbes(options: ProbeServerOptions): Promise<ProbeServer> {
  const server = createServer(async (request, response) => {
    try {
      if (options.route && (await options.route(request, response))) return;
      const path = (request.url ?? '').split('?')[0];
      if (path !== '/health' && path !== '/ready') {
        response.writeHead(404).end();
        return;
      }
      if (path === '/health') {
        const details = await detailsWithin(options.details);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'ok', ...details }));
        return;
      }
      const [readiness, details] = await Promise.all([
        checkDependencies(options.dependencies),
        detailsWithin(options.details),
      ]);
      response.writeHead(readiness.ready ? 200 : 503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: readiness.ready ? 'ready' : 'unavailable', ...readiness, ...details }));
    } catch {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
