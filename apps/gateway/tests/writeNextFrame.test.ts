import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { Delivery } from '../src/subscriptions/createClientBuffer.ts';
import { nextMessagePrefix, writeNextFrame } from '../src/subscriptions/writeNextFrame.ts';

const deliveryOf = (data: unknown): Delivery => {
  const result = { data } as Delivery['result'];
  const json = JSON.stringify(result);
  return { result, json, bytes: json.length };
};

describe('a next message written as one frame on the TCP connection', () => {
  let server: WebSocketServer;
  let client: WebSocket;
  let serverSocket: WebSocket;
  let connection: Socket;
  const received: string[] = [];

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise((resolve) => server.once('listening', resolve));
    const connected = new Promise<void>((resolve) =>
      server.once('connection', (socket, request) => {
        serverSocket = socket;
        connection = request.socket as Socket;
        resolve();
      }),
    );
    const { port } = server.address() as { port: number };
    client = new WebSocket(`ws://127.0.0.1:${port}`);
    client.on('message', (data, isBinary) => received.push(isBinary ? 'binary' : data.toString()));
    await Promise.all([connected, new Promise((resolve) => client.once('open', resolve))]);
    expect(serverSocket.extensions).toBe('');
  });

  afterAll(async () => {
    client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  const arrived = async (count: number) => {
    for (let i = 0; i < 1000 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return received.splice(0, count);
  };

  it('is the message graphql-ws would send, in text frames of every header size, interleaved in order with ws own frames', async () => {
    const prefix = nextMessagePrefix('0c2f5b8e-7a1d-4c3e-9f6a-2b8d1e4f5a6c');
    // Messages in each of the 7-bit, 16-bit and 64-bit length forms, with characters of 2, 3 and 4 UTF-8 bytes.
    const sizes = [0, 40, 60, 70, 200, 65_400, 65_600, 300_000];
    const deliveries = sizes.map((size, i) => deliveryOf({ i, text: 'é€😀x'.repeat(size / 5) }));
    const callbacks: (Error | null | undefined)[] = [];
    for (const [i, delivery] of deliveries.entries()) {
      writeNextFrame(connection, prefix, delivery, (error) => callbacks.push(error));
      serverSocket.send(`ws ${i}`);
    }
    const expected = deliveries.flatMap((d, i) => [
      JSON.stringify({
        id: '0c2f5b8e-7a1d-4c3e-9f6a-2b8d1e4f5a6c',
        type: 'next',
        payload: JSON.parse(d.json),
      }),
      `ws ${i}`,
    ]);
    expect(await arrived(expected.length)).toEqual(expected);
    expect(callbacks).toHaveLength(sizes.length);
    expect(callbacks.every((error) => !error)).toBe(true);
  });

  it('a result going to many clients is encoded once: each frame is written from the same body', async () => {
    const delivery = deliveryOf({ alert: 'shared' });
    const prefixes = ['1', '22', '333'].map(nextMessagePrefix);
    for (const prefix of prefixes) writeNextFrame(connection, prefix, delivery, () => {});
    expect((await arrived(3)).map((message) => JSON.parse(message).id)).toEqual(['1', '22', '333']);
  });

  it('reports a frame written only once the kernel has it: a client that stops reading holds back the next result', async () => {
    const prefix = nextMessagePrefix('stalled');
    const delivery = deliveryOf({ padding: 'x'.repeat(64 * 1024) });
    client.pause();
    let sent = 0;
    let waited = 0;
    let written: Promise<void> = Promise.resolve();
    // Past what the kernel's socket buffers take (a few MB, grown on demand), writes wait in the socket.
    while (connection.writableLength < 16 * 1024 * 1024 && sent < 2000) {
      let now = false;
      written = new Promise<void>((resolve) =>
        writeNextFrame(connection, prefix, delivery, () => {
          now = true;
          resolve();
        }),
      );
      sent++;
      if (!now) waited++;
    }
    expect(waited).toBeGreaterThan(0);
    let done = false;
    void written.then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(done).toBe(false);
    client.resume();
    await written;
    expect((await arrived(sent)).every((message) => JSON.parse(message).id === 'stalled')).toBe(true);
  });
});
