import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { serveDashboardAsset } from './dashboardAssets.ts';
import { proxyHttp, proxyUpgrade } from './proxyToGateway.ts';

export interface DashboardOptions {
  /** Default 5173; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1; 0.0.0.0 in a container. */
  host?: string;
  /** The gateway's GraphQL endpoint, default http://127.0.0.1:4000/graphql. */
  gatewayUrl?: string;
}

export interface Dashboard {
  url: string;
  stop(): Promise<void>;
}

/** Serves the operator page and proxies its /graphql (HTTP and WebSocket) to the gateway, so the page is same-origin. */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const gatewayUrl = new URL(options.gatewayUrl ?? 'http://127.0.0.1:4000/graphql');
  const sockets = new Set<Socket>();

  const server: Server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://dashboard');
    if (pathname === '/graphql') return proxyHttp(gatewayUrl, request, response);
    if (pathname === '/health') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      return void response.end('ok');
    }
    if (serveDashboardAsset(request, response)) return;
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('Not found');
  });
  server.on('upgrade', (request, socket, head) => {
    const { pathname } = new URL(request.url ?? '/', 'http://dashboard');
    if (pathname === '/graphql') return proxyUpgrade(gatewayUrl, request, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((listening, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 5173, host, listening);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/`,
    stop: () =>
      new Promise<void>((stopped) => {
        server.close(() => stopped());
        // Open WebSockets (live subscriptions) would otherwise keep the server alive forever.
        for (const socket of sockets) socket.destroy();
      }),
  };
}
