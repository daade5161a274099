import type { Socket } from 'node:net';
import type { Delivery } from './createClientBuffer.ts';

// `,"type":"next","payload":<result>}`: the part of a graphql-ws `next` message the same for every client of a result.
const bodies = new WeakMap<Delivery, Buffer>();

function bodyOf(delivery: Delivery): Buffer {
  let body = bodies.get(delivery);
  if (body === undefined) {
    body = Buffer.from(`,"type":"next","payload":${delivery.json}}`);
    bodies.set(delivery, body);
  }
  return body;
}

const nothing = Buffer.alloc(0);

/** What precedes the shared body in one subscription's `next` messages: `{"id":"<its id>"`, made once per subscription. */
export function nextMessagePrefix(id: string): Buffer {
  return Buffer.from(`{"id":${JSON.stringify(id)}`);
}

/**
 * Sends one graphql-ws `next` message as a single write of one buffer on the WebSocket's TCP connection: a final,
 * unmasked text frame (RFC 6455 §5.2, server to client) of the subscription's prefix and the result's body, which is
 * encoded once per result however many clients it goes to. Only for a socket without extensions (no compression),
 * open, with nothing queued in ws (ws writes its frames synchronously then), so frames stay in order with ws's own.
 * `written` is called once the kernel has the frame: at once, or when the socket's earlier writes are out.
 */
export function writeNextFrame(
  connection: Socket,
  prefix: Buffer,
  delivery: Delivery,
  written: (error?: Error | null) => void,
): void {
  const body = bodyOf(delivery);
  const length = prefix.length + body.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81; // FIN, text
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(prefix, header);
  frame.set(body, header + prefix.length);
  // Without a callback a write the kernel takes at once costs no tick; one it does not take is awaited behind it.
  connection.write(frame);
  if (connection.writableLength === 0) written();
  else connection.write(nothing, written);
}
