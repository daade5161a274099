/** When a fault happens, in minutes from the simulator's start (negative: before it, in the back-filled history). */
export interface FaultWindow {
  code: string;
  fromMinute: number;
  forMinutes: number;
  /** It strikes again this many minutes later, forever (default: the scenario's cycle); null: once only. */
  everyMinutes?: number | null;
}

/** The scripted faults a scenario can inflict on one sensor. */
export type Fault =
  /** A short warm spike above the range, as when a box or freezer door is left open. */
  | (FaultWindow & { kind: 'door-open'; peakAboveMaxC: number })
  /** Cooling stops: the temperature climbs towards ambient until the window ends. */
  | (FaultWindow & { kind: 'freezer-failure'; riseCPerMinute: number })
  /** The sensor publishes nothing (battery, coverage): the twin should see it go stale. */
  | (FaultWindow & { kind: 'silence' })
  /** The sensor buffers offline, then uploads everything it missed as one JSON array. */
  | (FaultWindow & { kind: 'late-batch' })
  /** At-least-once delivery: every `every`-th reading is published twice. */
  | { kind: 'duplicates'; code: string; every: number };

export interface Scenario {
  name: string;
  /** Faults repeat every cycle (unless they have their own period) so a demo runs forever. */
  cycleMinutes: number;
  faults: readonly Fault[];
  /** What the operator sees, for logs and docs. */
  story?: string;
}

const minute = 60_000;

/** The windowed faults of `code` in force `elapsedMs` after the simulation began (negative: before it). */
export function activeFaults(scenario: Scenario, code: string, elapsedMs: number): Array<Fault & FaultWindow> {
  return scenario.faults.filter(
    (fault): fault is Fault & FaultWindow =>
      fault.kind !== 'duplicates' && fault.code === code && inWindow(intoFaultMs(scenario, fault, elapsedMs), fault),
  );
}

const inWindow = (intoMs: number, fault: FaultWindow) => intoMs >= 0 && intoMs < fault.forMinutes * minute;

/** How far into its latest occurrence a fault is, in milliseconds (negative before its first one). */
export function intoFaultMs(scenario: Scenario, fault: FaultWindow, elapsedMs: number): number {
  const since = elapsedMs - fault.fromMinute * minute;
  if (fault.everyMinutes === null) return since < 0 ? Number.NEGATIVE_INFINITY : since;
  const periodMs = (fault.everyMinutes ?? scenario.cycleMinutes) * minute;
  return ((since % periodMs) + periodMs) % periodMs;
}
