export interface CustodyStep {
  toContainerCode: string | null;
  at: Date;
}

export interface CustodyInterval {
  containerCode: string;
  from: Date;
  to: Date | null;
}

/** Custody events (oldest first) as the spans a sample spent in each container; the last one is open. */
export function custodyIntervals(steps: CustodyStep[]): CustodyInterval[] {
  const intervals: CustodyInterval[] = [];
  for (const step of steps) {
    const open = intervals.at(-1);
    if (open && open.to === null) open.to = step.at;
    if (step.toContainerCode) intervals.push({ containerCode: step.toContainerCode, from: step.at, to: null });
  }
  return intervals;
}
