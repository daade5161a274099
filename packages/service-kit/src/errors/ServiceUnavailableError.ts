/**
 * A backing service (Redis, Postgres, the broker) did not answer in bounded time. GraphQL takes `extensions` from the
 * original error, so a resolver that lets this through answers with the code SERVICE_UNAVAILABLE (message masked).
 */
export class ServiceUnavailableError extends Error {
  readonly extensions = { code: 'SERVICE_UNAVAILABLE' };

  constructor(
    readonly dependency: string,
    cause?: unknown,
  ) {
    super(`${dependency} is unavailable${cause instanceof Error ? `: ${cause.message}` : ''}`, { cause });
    this.name = 'ServiceUnavailableError';
  }
}
