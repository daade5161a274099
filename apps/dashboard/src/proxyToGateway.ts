import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forwardedHeaders(
  incoming: IncomingMessage,
  target: URL,
  keepUpgrade: boolean,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined || (!keepUpgrade && hopByHop.has(name))) continue;
    headers[name] = value;
  }
  headers.host = target.host;
  headers['x-forwarded-host'] = incoming.headers.host ?? '';
  headers['x-forwarded-for'] = incoming.socket.remoteAddress ?? '';
  return headers;
}

/** The gateway endpoint with the incoming request's query string (GET /graphql?query=…). */
function targetOf(endpoint: URL, incoming: IncomingMessage): URL {
  const target = new URL(endpoint);
  target.search = new URL(incoming.url ?? '/', 'http://dashboard').search;
  return target;
}

function send(target: URL) {
  return target.protocol === 'https:' ? httpsRequest : httpRequest;
}

/** Forwards one HTTP request (POST/GET /graphql) to the gateway, streaming both ways. */
export function proxyHttp(endpoint: URL, incoming: IncomingMessage, response: ServerResponse): void {
  const target = targetOf(endpoint, incoming);
  const upstream = send(target)(target, {
    method: incoming.method,
    headers: forwardedHeaders(incoming, target, false),
  });
  upstream.on('response', (reply) => {
    const headers = Object.fromEntries(Object.entries(reply.headers).filter(([name]) => !hopByHop.has(name)));
    response.writeHead(reply.statusCode ?? 502, headers);
    reply.pipe(response);
  });
  upstream.on('error', (error) => {
    if (response.headersSent) return void response.destroy(error);
    response.writeHead(502, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        errors: [{ message: `Gateway unreachable: ${error.message}`, extensions: { code: 'BAD_GATEWAY' } }],
      }),
    );
  });
  incoming.pipe(upstream);
}

/** Forwards a WebSocket upgrade (graphql-ws on /graphql) to the gateway and splices the two sockets. */
export function proxyUpgrade(endpoint: URL, incoming: IncomingMessage, socket: Duplex, head: Buffer): void {
  const target = targetOf(endpoint, incoming);
  const upstream = send(target)(target, { method: 'GET', headers: forwardedHeaders(incoming, target, true) });
  const refuse = (status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  };
  upstream.on('upgrade', (reply, upstreamSocket, upstreamHead) => {
    const lines = [`HTTP/1.1 101 ${reply.statusMessage ?? 'Switching Protocols'}`];
    for (let i = 0; i < reply.rawHeaders.length; i += 2)
      lines.push(`${reply.rawHeaders[i]}: ${reply.rawHeaders[i + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('error', () => upstreamSocket.destroy());
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
  });
  upstream.on('response', (reply) => {
    refuse(`${reply.statusCode ?? 502} ${reply.statusMessage ?? ''}`.trim());
    reply.resume();
  });
  upstream.on('error', () => refuse('502 Bad Gateway'));
  socket.on('error', () => upstream.destroy());
  upstream.end();
}
