/**
 * Called once per whole WebSocket message; the payload is `data[start, end)` (valid only during the call). `fin` is
 * false for a fragment of a message that continues in the next frame.
 */
export type FrameHandler = (fin: boolean, opcode: number, data: Buffer, start: number, end: number) => void;

/**
 * A WebSocket frame reader for a client (RFC 6455 §5.2): the server's frames are unmasked, so a frame's payload is
 * handed on where it lies in the chunk read from the socket, without a copy unless it spans chunks.
 * Returns the function to feed every chunk to, in order.
 */
export function readFrames(onFrame: FrameHandler, onError: (error: Error) => void): (chunk: Buffer) => void {
  let rest: Buffer | undefined;
  return (chunk) => {
    let data = chunk;
    if (rest) {
      data = Buffer.concat([rest, chunk]);
      rest = undefined;
    }
    let at = 0;
    while (data.length - at >= 2) {
      const first = data[at] as number;
      const second = data[at + 1] as number;
      if (second & 0x80) return onError(new Error('a masked frame from the server'));
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        header = 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = data.readUInt32BE(at + 2) * 2 ** 32 + data.readUInt32BE(at + 6);
        header = 10;
      }
      const end = at + header + length;
      if (end > data.length) break;
      onFrame((first & 0x80) !== 0, first & 0x0f, data, at + header, end);
      at = end;
    }
    if (at < data.length) rest = data.subarray(at);
  };
}
