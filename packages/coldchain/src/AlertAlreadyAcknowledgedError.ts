/** Acknowledging twice is a conflict, not a no-op: the first acknowledgement's author and note stand. */
export class AlertAlreadyAcknowledgedError extends Error {
  readonly code = 'ALREADY_ACKNOWLEDGED';
  constructor(
    readonly alertId: string,
    readonly acknowledgedAt: number,
    readonly acknowledgedBy: string | null,
  ) {
    super(`alert ${alertId} was already acknowledged by ${acknowledgedBy ?? 'someone'}`);
    this.name = 'AlertAlreadyAcknowledgedError';
  }
}
