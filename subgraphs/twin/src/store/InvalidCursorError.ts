/** The string is not an alert stream cursor of this store (malformed, or made with another partition count). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  readonly code = 'INVALID_CURSOR';
  constructor(
    readonly cursor: string,
    reason: string,
  ) {
    super(`Not an alert event cursor: ${reason}`);
  }
}
