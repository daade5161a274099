/** The client's cursor is older than the retained alert stream (or from a store since reset): it must reload state. */
export class CursorExpiredError extends Error {
  override readonly name = 'CursorExpiredError';
  readonly code = 'CURSOR_EXPIRED';
  constructor(readonly cursor: string) {
    super('Events after this cursor are no longer retained; reload the current state and follow from now');
  }
}
