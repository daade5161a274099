// When the soak judges memory and when it injects its faults, from the run's length alone (pure, so the refusal of a
// run too short is testable).

/** What one fault is given to take, its process down and then ready again (2–7 s measured on a quiet machine). */
export const faultTakesMs = 15_000;

export interface SoakWindows {
  /** Time a started process, and a restarted one from when it is back, is given before its first window. */
  warmUpMs: number;
  /** Length of every memory window: the first after warm-up, a restarted process's own first one, and the last. */
  windowMs: number;
  /** The last window: [lastWindowFromMs, durationMs]. */
  lastWindowFromMs: number;
  /** The first fault at `from`, the last at `to`, the rest evenly between. */
  faultWindow: { from: number; to: number };
  /** When each fault starts (ms since the load started). */
  faultsAtMs: number[];
}

/**
 * The faults come after the run's first window and early enough that the process the last one restarts, back within
 * `faultTakesMs`, gets the run's warm-up and its own first window before the run's last window opens.
 */
function layout(durationMs: number, faults: number) {
  const warmUpMs = Math.max(60_000, 0.2 * durationMs);
  const windowMs = Math.max(60_000, 0.1 * durationMs);
  const lastWindowFromMs = durationMs - windowMs;
  const faultWindow = { from: warmUpMs + windowMs, to: lastWindowFromMs - windowMs - warmUpMs - faultTakesMs };
  const spacingMs = faults > 1 ? (faultWindow.to - faultWindow.from) / (faults - 1) : 0;
  const fits = faultWindow.to >= faultWindow.from && (faults < 2 || spacingMs >= faultTakesMs);
  const faultsAtMs = Array.from({ length: faults }, (_, i) => faultWindow.from + spacingMs * i);
  return { fits, windows: { warmUpMs, windowMs, lastWindowFromMs, faultWindow, faultsAtMs } };
}

/** The soak's windows and fault times; throws for a run too short to fit the faults at least `faultTakesMs` apart. */
export function planSoakWindows(durationMs: number, faults: number): SoakWindows {
  const { fits, windows } = layout(durationMs, faults);
  if (fits) return windows;
  let shortestS = 60;
  while (!layout(shortestS * 1000, faults).fits) shortestS += 15;
  throw new Error(
    `a ${Math.round(durationMs / 6000) / 10}-minute soak is too short for ${faults} faults at least ` +
      `${faultTakesMs / 1000} s apart, each restarted process warmed up ${windows.warmUpMs / 1000} s and judged over ` +
      `its own ${windows.windowMs / 1000} s window before the last one opens: run at least ${shortestS / 60} minutes`,
  );
}
