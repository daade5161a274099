/** The base emits a checkpoint when it enters a new hour of event time, so a replay starts at most an hour early. */
export const CHECKPOINT_INTERVAL_MS = 3_600_000;

/** Whether `at` falls in a later checkpoint interval than `previousAt`: a pure function of the sorted event times. */
export function entersNewInterval(previousAt: number, at: number): boolean {
  return Math.floor(at / CHECKPOINT_INTERVAL_MS) !== Math.floor(previousAt / CHECKPOINT_INTERVAL_MS);
}
