import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

export type BodyReading =
  /** No JSON body (a GET, or another content type): Apollo Server answers the request as it stands. */
  | { kind: 'none' }
  | { kind: 'json'; body: unknown }
  | { kind: 'refused'; status: 400 | 413 | 415; message: string; code: 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE' };

const decoders: Record<string, () => Readable & NodeJS.WritableStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

const badJson: BodyReading = {
  kind: 'refused',
  status: 400,
  message: 'request body is not valid JSON',
  code: 'BAD_REQUEST',
};

/**
 * Reads an `application/json` request body as express.json did (UTF-8, gzip/deflate/br, objects and arrays only, an
 * empty body as {}), refusing one over `maxBytes` (declared or decoded) before it is all read.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyReading> {
  const type = req.headers['content-type'];
  if (req.method === 'GET' || req.method === 'HEAD' || !type) return Promise.resolve({ kind: 'none' });
  const [mediaType = '', ...parameters] = type.split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') return Promise.resolve({ kind: 'none' });
  const charset = parameters
    .map((p) => p.trim().toLowerCase())
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"(.*)"$/, '$1');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    return Promise.resolve({
      kind: 'refused',
      status: 415,
      message: `unsupported charset "${charset}"`,
      code: 'BAD_REQUEST',
    });
  }
  const tooLarge: BodyReading = {
    kind: 'refused',
    status: 413,
    message: `request body exceeds ${maxBytes} bytes`,
    code: 'PAYLOAD_TOO_LARGE',
  };
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(tooLarge);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decoder = encoding === 'identity' ? undefined : decoders[encoding];
  if (encoding !== 'identity' && !decoder) {
    return Promise.resolve({
      kind: 'refused',
      status: 415,
      message: `unsupported content encoding "${encoding}"`,
      code: 'BAD_REQUEST',
    });
  }
  const source: Readable = decoder ? req.pipe(decoder()) : req;
  return new Promise<BodyReading>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (reading: BodyReading) => {
      source.removeAllListeners('data');
      if (decoder) {
        req.unpipe();
        source.destroy();
      }
      resolve(reading);
    };
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) stop(tooLarge);
      else chunks.push(chunk);
    });
    if (decoder) req.on('error', reject);
    source.on('error', (error) => {
      if (decoder)
        stop({ kind: 'refused', status: 400, message: 'request body could not be decoded', code: 'BAD_REQUEST' });
      else reject(error);
    });
    source.on('end', () => {
      const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8');
      if (text.trim() === '') {
        resolve({ kind: 'json', body: {} });
        return;
      }
      try {
        const body: unknown = JSON.parse(text);
        resolve(typeof body === 'object' && body !== null ? { kind: 'json', body } : badJson);
      } catch {
        resolve(badJson);
      }
    });
  });
}
