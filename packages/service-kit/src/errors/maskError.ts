import { randomBytes } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { clientErrorCodes, exposedExtensions, opaqueErrorMessages } from './errorCodes.ts';

/** What the logs get for an error a client saw masked or with an id: everything, joined by the id. */
export interface ErrorLogEntry {
  service: string;
  errorId: string;
  code: string;
  message: string;
  path?: readonly (string | number)[];
  stack?: string;
}

export type ErrorLog = (entry: ErrorLogEntry) => void;

export const logErrorToStderr: ErrorLog = (entry) => {
  console.error(JSON.stringify({ level: 'error', ...entry }));
};

// An id a subgraph gave an error is kept, so that one id finds the detail in the subgraph's log.
const errorIdPattern = /^[A-Za-z0-9_-]{8,64}$/;

export function newErrorId(): string {
  return randomBytes(9).toString('base64url');
}

function originalOf(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 5 && current && typeof current === 'object' && 'originalError' in current; i++) {
    const next = (current as { originalError?: unknown }).originalError;
    if (!next) break;
    current = next;
  }
  return current;
}

/**
 * Apollo's `formatError` for every subgraph and the gateway, whatever NODE_ENV is: a client gets the code, an error id
 * and (for errors about its own request) the message and field; the log gets the detail under the same id.
 */
export function createErrorMasker(service: string, log: ErrorLog = logErrorToStderr) {
  return (formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
    const extensions = formatted.extensions ?? {};
    const givenCode = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
    const givenId = typeof extensions.errorId === 'string' && errorIdPattern.test(extensions.errorId);
    const errorId = givenId ? (extensions.errorId as string) : newErrorId();
    const exposed = clientErrorCodes.has(givenCode);
    const opaque = opaqueErrorMessages[givenCode];
    const code = exposed || opaque ? givenCode : 'INTERNAL_SERVER_ERROR';
    const kept: Record<string, unknown> = {};
    for (const key of exposedExtensions) if (extensions[key] !== undefined) kept[key] = extensions[key];
    kept.code = code;
    kept.errorId = errorId;
    // An id given earlier (by a subgraph, or by an earlier pass here) was logged where it was given.
    if (!exposed && !givenId) {
      const original = originalOf(error);
      log({
        service,
        errorId,
        code: givenCode,
        message: formatted.message,
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(original instanceof Error && original.stack ? { stack: original.stack } : {}),
      });
    }
    return {
      message: exposed ? formatted.message : `${opaque ?? 'internal error'} (error id ${errorId})`,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: kept,
    };
  };
}
