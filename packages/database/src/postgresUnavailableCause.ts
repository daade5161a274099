// Socket errors, postgres.js's own connection errors, and the server's "cannot serve now" SQLSTATEs: class 08
// (connection exception), 57P01–57P03 (shut down by an administrator, crash shutdown, starting up or shutting down).
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
]);

/**
 * The error that says Postgres could not serve (no connection, the server going down or starting), found through
 * the `cause` chain (Drizzle wraps the driver's error in one carrying the SQL); null for anything else (a constraint
 * violation, a bug). Callers answer SERVICE_UNAVAILABLE with it and keep the SQL out of the answer.
 */
export function postgresUnavailableCause(error: unknown): Error | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08'))) return current;
    current = current.cause;
  }
  return null;
}
