/// <reference lib="dom" />
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { type LiveConnectionEvents, openLiveConnection } from '../app/api/liveConnection.ts';

const schema = buildSchema('type Query { ok: Boolean } type Subscription { tick: Int }');

/** What one live connection told the page, in order. */
function recorder() {
  const seen: string[] = [];
  const events: LiveConnectionEvents = {
    connected: () => seen.push('connected'),
    closed: () => seen.push('closed'),
    error: (message) => seen.push(`error: ${message}`),
  };
  return { seen, events };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("the page's live connection speaks for the backend only while it is the page's connection", () => {
  let server: WebSocketServer;
  const open = new Set<WebSocket>();
  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/graphql' });
    server.on('connection', (socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    });
    useServer({ schema }, server);
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    // The browser's globals the connection reads: same-origin URL, the stored token, the WebSocket.
    vi.stubGlobal('location', { protocol: 'http:', host: `127.0.0.1:${port}` });
    vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => {}, removeItem: () => {} });
    vi.stubGlobal('WebSocket', WebSocket);
  });
  afterAll(async () => {
    vi.unstubAllGlobals();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a replaced connection (a pasted token reconnects) does not report its own close as the backend going away', async () => {
    const first = recorder();
    const old = openLiveConnection(first.events);
    await until(() => first.seen.includes('connected') && open.size === 1, 'the first socket');
    const second = recorder();
    old.dispose();
    const replacement = openLiveConnection(second.events);
    try {
      await until(() => second.seen.includes('connected'), 'the replacement socket');
      await until(() => open.size === 1, 'the first socket to be closed');
      // Whichever came first, the replaced socket's close or the new one's connect: the page hears only the latter.
      expect(first.seen).toEqual(['connected']);
      expect(second.seen).toEqual(['connected']);
    } finally {
      replacement.dispose();
    }
  });
});
