/** The compliance figures the headline is made of (a subset of the graph's Compliance). */
export interface ComplianceFigures {
  since: string;
  until: string;
  readings: number;
  outOfRangeMinutes: number;
  unknownMinutes: number;
}

export interface Coverage {
  /** Minutes of the window with data (in range or out of range). */
  coveredMinutes: number;
  windowMinutes: number;
  /** Share of the window with data. */
  coveragePct: number;
  /** Share of the covered time in range; null when nothing is covered (unknown, never compliant). */
  inRangeOfCoveredPct: number | null;
}

/**
 * Time in range stated over the time there is data for, with the coverage beside it: a fridge with 2 minutes of
 * data, all in range, is "100 % of 2 min covered", not "0.1 % in range". Every minute of the window is in range,
 * out of range or unknown (one partition), so covered = window − unknown.
 */
export function coverageOf(figures: ComplianceFigures): Coverage {
  const windowMinutes = Math.max(0, (Date.parse(figures.until) - Date.parse(figures.since)) / 60_000);
  const coveredMinutes = Math.max(0, Math.min(windowMinutes, windowMinutes - figures.unknownMinutes));
  const inRangeMinutes = Math.max(0, coveredMinutes - figures.outOfRangeMinutes);
  return {
    coveredMinutes,
    windowMinutes,
    coveragePct: windowMinutes > 0 ? (100 * coveredMinutes) / windowMinutes : 0,
    inRangeOfCoveredPct: figures.readings > 0 && coveredMinutes >= 0.5 ? (100 * inRangeMinutes) / coveredMinutes : null,
  };
}
