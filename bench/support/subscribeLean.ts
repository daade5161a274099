import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { readFrames } from './readFrames.ts';

const text = 0x1;
const close = 0x8;
const ping = 0x9;
const pong = 0xa;
const subscriptionId = '1';
// How a graphql-ws server (graphql-ws's own `stringifyMessage`, the gateway's `writeNextFrame`) begins a `next`.
const nextPrefix = Buffer.from(`{"id":"${subscriptionId}","type":"next","payload":`);
const closing = 0x7d; // `}`

/** A client frame: always masked (RFC 6455 §5.3), final, unfragmented. */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + length);
  frame[0] = 0x80 | opcode;
  if (header === 2) frame[1] = 0x80 | length;
  else if (header === 4) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  const mask = randomBytes(4);
  mask.copy(frame, header);
  for (let i = 0; i < length; i++) frame[header + 4 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return frame;
}

const message = (value: unknown) => maskedFrame(text, Buffer.from(JSON.stringify(value)));

export interface LeanSubscriptionHandlers {
  /** Once: connection_ack arrived and the subscription was sent. */
  onConnected(): void;
  /** Each `next` of the subscription: its payload (the result's JSON) is `data[start, end)`, valid only during the call. */
  onNext(data: Buffer, start: number, end: number): void;
  /** The socket closed or the protocol broke (an `error`, a `complete`, a bad frame) before dispose(). */
  onFailed(reason: string): void;
}

export interface LeanSubscription {
  dispose(): Promise<void>;
}

/**
 * One graphql-ws (graphql-transport-ws) client with one subscription, on its own socket, that costs the machine as
 * little as the protocol allows: the upgrade handshake, `connection_init`, `subscribe`, then a frame reader that hands
 * each `next` of its subscription on without parsing it (the gateway's and graphql-ws's `next` begin with the same
 * bytes; any other message is parsed). Pings are answered, as a browser does.
 */
export function subscribeLean(
  url: string,
  connectionParams: Record<string, unknown>,
  query: string,
  variables: Record<string, unknown>,
  handlers: LeanSubscriptionHandlers,
): LeanSubscription {
  const target = new URL(url);
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  const socket: Socket = connect({ host: target.hostname, port: Number(target.port) });
  socket.setNoDelay(true);
  let disposed = false;
  let failed = false;
  const fail = (reason: string) => {
    if (disposed || failed) return;
    failed = true;
    socket.destroy();
    handlers.onFailed(reason);
  };
  let fragments: Buffer[] | undefined;
  let fragmentOpcode = 0;

  const onMessage = (data: Buffer, start: number, end: number) => {
    const length = end - start;
    if (
      length > nextPrefix.length &&
      data[end - 1] === closing &&
      data.compare(nextPrefix, 0, nextPrefix.length, start, start + nextPrefix.length) === 0
    ) {
      handlers.onNext(data, start + nextPrefix.length, end - 1);
      return;
    }
    const parsed = JSON.parse(data.toString('utf8', start, end)) as { id?: string; type: string; payload?: unknown };
    switch (parsed.type) {
      case 'connection_ack':
        socket.write(message({ id: subscriptionId, type: 'subscribe', payload: { query, variables } }));
        handlers.onConnected();
        return;
      case 'ping':
        socket.write(message({ type: 'pong' }));
        return;
      case 'pong':
        return;
      case 'next': {
        if (parsed.id !== subscriptionId) return fail(`a next for an unknown subscription ${parsed.id}`);
        const payload = Buffer.from(JSON.stringify(parsed.payload));
        handlers.onNext(payload, 0, payload.length);
        return;
      }
      default:
        fail(parsed.payload === undefined ? parsed.type : `${parsed.type}: ${JSON.stringify(parsed.payload)}`);
    }
  };

  const feed = readFrames(
    (fin, opcode, data, start, end) => {
      if (opcode === ping) {
        socket.write(maskedFrame(pong, data.subarray(start, end)));
        return;
      }
      if (opcode === pong) return;
      if (opcode === close) {
        const code = end - start >= 2 ? data.readUInt16BE(start) : 1005;
        return fail(`closed by the server (${code} ${data.toString('utf8', start + 2, end)})`);
      }
      if (opcode !== 0) {
        if (fin) return onMessage(data, start, end);
        fragments = [Buffer.from(data.subarray(start, end))];
        fragmentOpcode = opcode;
        return;
      }
      if (!fragments) return fail('a continuation frame outside a message');
      fragments.push(Buffer.from(data.subarray(start, end)));
      if (!fin) return;
      const whole = Buffer.concat(fragments);
      fragments = undefined;
      if (fragmentOpcode === text) onMessage(whole, 0, whole.length);
    },
    (error) => fail(error.message),
  );

  // The handshake: the 101 answer (its Sec-WebSocket-Accept checked), then frames, possibly in the same chunk.
  let response: Buffer | undefined = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    if (!response) return feed(chunk);
    response = Buffer.concat([response, chunk]);
    const headersEnd = response.indexOf('\r\n\r\n');
    if (headersEnd === -1) return;
    const head = response.toString('latin1', 0, headersEnd);
    const rest = response.subarray(headersEnd + 4);
    response = undefined;
    if (!/^HTTP\/1\.1 101 /.test(head)) return fail(`upgrade refused: ${head.split('\r\n')[0]}`);
    if (!new RegExp(`^sec-websocket-accept: *${accept.replace(/[+/=]/g, '\\$&')}\\s*$`, 'im').test(head)) {
      return fail('a wrong Sec-WebSocket-Accept');
    }
    if (!/^sec-websocket-protocol: *graphql-transport-ws\s*$/im.test(head)) return fail('no graphql-transport-ws');
    socket.write(message({ type: 'connection_init', payload: connectionParams }));
    if (rest.length > 0) feed(rest);
  });
  socket.on('error', (error) => fail(error.message));
  socket.on('close', () => fail('the socket closed'));
  socket.write(
    `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
      'Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
  );

  return {
    dispose() {
      disposed = true;
      return new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        const normal = Buffer.alloc(2);
        normal.writeUInt16BE(1000);
        socket.end(maskedFrame(close, normal));
        setTimeout(() => socket.destroy(), 1000).unref();
      });
    },
  };
}
