/** The series, checkpoint or late readings handed to replayLateReadings do not fit the monitor state; nothing changed. */
export class ReplayInputError extends Error {
  readonly code = 'REPLAY_INPUT_MISMATCH';
  constructor(readonly reason: string) {
    super(`cannot replay late readings: ${reason}`);
    this.name = 'ReplayInputError';
  }
}
