import { describe, expect, it } from 'vitest';
import { createErrorMasker, type ErrorLogEntry } from '../src/index.ts';

describe('masking errors for clients', () => {
  const mask = (logged: ErrorLogEntry[] = []) => createErrorMasker('svc', (entry) => logged.push(entry));

  it('keeps the message and field of an error about the client request, adding an error id', () => {
    const masked = mask()({
      message: 'first must be 1..1000',
      path: ['alerts'],
      extensions: { code: 'BAD_USER_INPUT', field: 'first', stacktrace: ['at x (/app/src/a.ts:1:1)'] },
    });
    expect(masked).toEqual({
      message: 'first must be 1..1000',
      path: ['alerts'],
      extensions: { code: 'BAD_USER_INPUT', field: 'first', errorId: expect.stringMatching(/^[\w-]{12}$/) },
    });
  });

  it('replaces anything else with a code and an error id, and logs the detail under that id', () => {
    const logged: ErrorLogEntry[] = [];
    const cause = new Error('connect ECONNREFUSED 10.0.3.7:6379');
    const masked = mask(logged)(
      { message: 'connect ECONNREFUSED 10.0.3.7:6379', extensions: { code: 'INTERNAL_SERVER_ERROR', errno: -111 } },
      { originalError: cause },
    );
    expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
    expect(masked.message).toBe(`internal error (error id ${masked.extensions?.errorId})`);
    expect(logged).toEqual([
      expect.objectContaining({ errorId: masked.extensions?.errorId, message: cause.message, stack: cause.stack }),
    ]);
  });

  it('keeps a code clients act on but not its detail, and an unknown code becomes INTERNAL_SERVER_ERROR', () => {
    const unavailable = mask()({
      message: 'subgraph "twin" is unavailable: connect ECONNREFUSED 10.0.0.5:4002',
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'twin' },
    });
    expect(unavailable.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'twin' });
    expect(unavailable.message).not.toContain('10.0.0.5');
    expect(mask()({ message: 'x', extensions: { code: 'ECONNRESET' } }).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('keeps the error id a subgraph gave, so one id finds the detail in the subgraph log', () => {
    const masked = mask()({
      message: 'internal error',
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: 'abcDEF123_-x' },
    });
    expect(masked.extensions?.errorId).toBe('abcDEF123_-x');
  });
});
