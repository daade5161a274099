import type { WebSocketServer } from 'ws';

/** How long the 1009 close frame is given to reach the client before the connection is dropped. */
const closeFrameGraceMs = 250;

/**
 * With `maxPayload`, ws answers an oversize message with close code 1009 and then keeps reading (and discarding) the
 * rest of it, 20 MiB say, while it waits for the peer's close frame. This stops reading at once and drops the
 * connection shortly after, so an oversize message costs neither memory nor time.
 */
export function dropOversizeMessages(wss: WebSocketServer): void {
  wss.on('connection', (socket, request) => {
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return;
      // After ws' own resume on the next tick.
      setImmediate(() => request.socket.pause());
      setTimeout(() => socket.terminate(), closeFrameGraceMs).unref();
    });
  });
}
