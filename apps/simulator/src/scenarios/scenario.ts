/** When a fault happens, in minutes from the start of each scenario cycle. */
export interface FaultWindow {
  code: string;
  fromMinute: number;
  forMinutes: number;
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
  /** Faults repeat every cycle so a demo runs forever. */
  cycleMinutes: number;
  faults: readonly Fault[];
}

const minute = 60_000;

/** The windowed faults of `code` in force `elapsedMs` after the simulation began. */
export function activeFaults(scenario: Scenario, code: string, elapsedMs: number): Array<Fault & FaultWindow> {
  const cycleMs = scenario.cycleMinutes * minute;
  const inCycle = ((elapsedMs % cycleMs) + cycleMs) % cycleMs;
  return scenario.faults.filter(
    (fault): fault is Fault & FaultWindow =>
      fault.kind !== 'duplicates' &&
      fault.code === code &&
      inCycle >= fault.fromMinute * minute &&
      inCycle < (fault.fromMinute + fault.forMinutes) * minute,
  );
}

/** How far into its window a fault is, in milliseconds. */
export function intoFaultMs(scenario: Scenario, fault: FaultWindow, elapsedMs: number): number {
  const cycleMs = scenario.cycleMinutes * minute;
  const inCycle = ((elapsedMs % cycleMs) + cycleMs) % cycleMs;
  return inCycle - fault.fromMinute * minute;
}
