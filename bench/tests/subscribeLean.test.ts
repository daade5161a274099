import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { readFrames } from '../support/readFrames.ts';
import { subscribeLean } from '../support/subscribeLean.ts';

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// ws's own framing (its Sender, which @types/ws does not declare): the bytes a ws server writes.
const { Sender } = ws as unknown as {
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
    ): Buffer[];
  };
};

const serverFrame = (payload: Buffer, opcode = 1, fin = true) =>
  Buffer.concat(Sender.frame(payload, { fin, opcode, mask: false, readOnly: true, rsv1: false }));

describe("the bench's frame reader", () => {
  // Payloads in each of the 7-bit, 16-bit and 64-bit length forms, an empty one, a ping and a fragmented message.
  const payloads = [0, 1, 125, 126, 65_535, 65_536, 70_000].map((size, i) => Buffer.alloc(size, 97 + i));
  const frames = [
    ...payloads.map((p) => serverFrame(p)),
    serverFrame(Buffer.from('are you there'), 0x9),
    serverFrame(Buffer.from('{"part":'), 1, false),
    serverFrame(Buffer.from('"two"}'), 0, true),
  ];
  const stream = Buffer.concat(frames);
  const expected = [
    ...payloads.map((p) => ({ fin: true, opcode: 1, text: p.toString() })),
    { fin: true, opcode: 0x9, text: 'are you there' },
    { fin: false, opcode: 1, text: '{"part":' },
    { fin: true, opcode: 0, text: '"two"}' },
  ];

  const boundaries = frames.map((_, i) => frames.slice(0, i).reduce((sum, f) => sum + f.length, 0));
  /** Every byte alone within 12 of a frame's start (each header cut at every byte), 4 KiB pieces elsewhere. */
  const byteByByteAtHeaders = (at: number) => (boundaries.some((b) => Math.abs(at - b) <= 12) ? 1 : 4096);

  const readInChunks = (chunkSize: (at: number) => number) => {
    const seen: { fin: boolean; opcode: number; text: string }[] = [];
    const feed = readFrames(
      (fin, opcode, data, start, end) => seen.push({ fin, opcode, text: data.toString('utf8', start, end) }),
      (error) => {
        throw error;
      },
    );
    for (let at = 0; at < stream.length; ) {
      const size = chunkSize(at);
      feed(stream.subarray(at, at + size));
      at += size;
    }
    return seen;
  };

  it('hands on every frame whole, however the stream is cut into chunks', () => {
    expect(readInChunks(() => stream.length)).toEqual(expected);
    expect(readInChunks(byteByByteAtHeaders)).toEqual(expected);
    expect(readInChunks((at) => [3, 1, 7, 126, 2, 9_999][at % 6] as number)).toEqual(expected);
  });

  it('refuses a masked frame (a server never masks)', () => {
    const errors: string[] = [];
    const feed = readFrames(
      () => {},
      (error) => errors.push(error.message),
    );
    feed(
      Buffer.concat(Sender.frame(Buffer.from('x'), { fin: true, opcode: 1, mask: true, readOnly: true, rsv1: false })),
    );
    expect(errors).toEqual(['a masked frame from the server']);
  });
});

describe("the bench's lean client against graphql-ws's server", () => {
  const schema = buildSchema(
    'type Query { ok: Boolean } type Event { transition: String, n: Int } type Subscription { events(count: Int): Event }',
  );
  let server: WebSocketServer;
  let url: string;
  const sockets: WebSocket[] = [];
  const initPayloads: unknown[] = [];
  let release: () => void = () => {};
  let released = new Promise<void>((resolve) => (release = resolve));

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/graphql' });
    server.on('connection', (socket) => sockets.push(socket));
    useServer(
      {
        schema,
        onConnect: (ctx) => {
          initPayloads.push(ctx.connectionParams);
          return ctx.connectionParams?.authorization === 'Bearer ok';
        },
        roots: {
          subscription: {
            events: async function* ({ count }: { count: number }) {
              await released;
              for (let n = 0; n < count; n++) yield { events: { transition: n % 2 ? 'CLEARED' : 'RAISED', n } };
            },
          },
        },
      },
      server,
    );
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("subscribes, gets every next of its subscription as the result's JSON, answers pings and ends on complete", async () => {
    const results: unknown[] = [];
    const failures: string[] = [];
    let connected = false;
    const client = subscribeLean(
      url,
      { authorization: 'Bearer ok' },
      'subscription ($count: Int) { events(count: $count) { transition n } }',
      { count: 5 },
      {
        onConnected: () => {
          connected = true;
        },
        onNext: (data, start, end) => results.push(JSON.parse(data.toString('utf8', start, end))),
        onFailed: (reason) => failures.push(reason),
      },
    );
    await until(() => connected && sockets.length === 1, 'connection_ack');
    expect(initPayloads).toEqual([{ authorization: 'Bearer ok' }]);
    const socket = sockets[0] as WebSocket;
    const ponged = new Promise<Buffer>((resolve) => socket.once('pong', resolve));
    socket.ping(Buffer.from('liveness'));
    expect((await ponged).toString()).toBe('liveness');

    release();
    await until(() => failures.length > 0, 'the complete');
    expect(results).toEqual(
      [0, 1, 2, 3, 4].map((n) => ({ data: { events: { transition: n % 2 ? 'CLEARED' : 'RAISED', n } } })),
    );
    expect(failures).toEqual(['complete']);
    await client.dispose();
    released = new Promise<void>((resolve) => (release = resolve));
  });

  it('reports a refused connection_init (the server closes with 4403)', async () => {
    const failures: string[] = [];
    subscribeLean(
      url,
      { authorization: 'Bearer wrong' },
      'subscription { events(count: 1) { n } }',
      {},
      {
        onConnected: () => failures.push('connected'),
        onNext: () => failures.push('next'),
        onFailed: (reason) => failures.push(reason),
      },
    );
    await until(() => failures.length > 0, 'the close');
    expect(failures).toEqual(['closed by the server (4403 Forbidden)']);
  });
});
