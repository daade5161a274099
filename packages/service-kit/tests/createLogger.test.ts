import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes one JSON line per event, named for the service, with the level by name', () => {
    const { lines, stream } = capture();
    createLogger('twin-bridge', 'info', stream).info({ clientId: 'b-1' }, 'ready');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', service: 'twin-bridge', clientId: 'b-1', msg: 'ready' }),
    ]);
    expect(typeof lines[0]?.time).toBe('string');
  });

  it('writes nothing below its level, and says so before anything is built', () => {
    const { lines, stream } = capture();
    const logger = createLogger('gateway', 'warn', stream);
    logger.info('not written');
    logger.debug({ eventId: 'e' }, 'not written');
    expect(logger.isLevelEnabled('debug')).toBe(false);
    logger.warn('written');
    expect(lines.map((line) => line.msg)).toEqual(['written']);
  });
});
