import { GraphQLError } from 'graphql';

/** The stable `extensions.code` values clients and tests rely on. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'CURSOR_EXPIRED';

function domainError(code: ErrorCode, message: string, field?: string, status?: number): GraphQLError {
  const extensions: Record<string, unknown> = { code };
  if (field) extensions.field = field;
  if (status) extensions.http = { status };
  return new GraphQLError(message, { extensions });
}

/** The input is wrong; `field` names the offending argument or input field (e.g. `input.minTempC`). */
export function badUserInput(field: string, message: string): GraphQLError {
  return domainError('BAD_USER_INPUT', message, field);
}

/** The record a field refers to does not exist. */
export function notFound(field: string, message: string): GraphQLError {
  return domainError('NOT_FOUND', message, field);
}

/** The write collides with existing state (a duplicate code, a shipment already dispatched). */
export function conflict(field: string, message: string): GraphQLError {
  return domainError('CONFLICT', message, field);
}

export function forbidden(message: string): GraphQLError {
  return domainError('FORBIDDEN', message);
}

/** 401 so that a caller bypassing the gateway is told plainly, before any execution. */
export function unauthenticated(message: string): GraphQLError {
  return domainError('UNAUTHENTICATED', message, undefined, 401);
}

/** The client's resume point is gone (trimmed, or the store was reset): it must reload state and start afresh. */
export function cursorExpired(field: string, message: string): GraphQLError {
  return domainError('CURSOR_EXPIRED', message, field);
}
