// The soak's three checks, pure: readings the broker acknowledged against the archive, an alert client's events
// against the alert stream, and each service's memory in the first window after warm-up against the last one.

/** Acknowledged readings (box → k's) that the archive (box → k's) does not hold; duplicates count once. */
export function missingReadings(acknowledged: Map<number, Set<number>>, archived: Map<number, Set<number>>) {
  let acknowledgedDistinct = 0;
  let missing = 0;
  const examples: string[] = [];
  for (const [box, ks] of acknowledged) {
    acknowledgedDistinct += ks.size;
    const stored = archived.get(box) ?? new Set<number>();
    for (const k of ks) {
      if (stored.has(k)) continue;
      missing++;
      if (examples.length < 5) examples.push(`${box}:${k}`);
    }
  }
  return { acknowledgedDistinct, missing, examples };
}

/**
 * What a resuming client got against the stream: lost, duplicated, unknown to the stream, and whether each alert's
 * transitions came in the stream's order (partitions interleave differently live and replayed; one alert lives in one).
 */
export function compareAlertEvents(
  received: readonly { key: string; alertId: string }[],
  stream: readonly { key: string; alertId: string }[],
) {
  const seen = new Set<string>();
  const once: { key: string; alertId: string }[] = [];
  for (const event of received) {
    if (seen.has(event.key)) continue;
    seen.add(event.key);
    once.push(event);
  }
  const inStream = new Set(stream.map((e) => e.key));
  const lost = stream.filter((e) => !seen.has(e.key));
  const unknown = once.filter((e) => !inStream.has(e.key));
  const byAlert = (events: readonly { key: string; alertId: string }[]) => {
    const map = new Map<string, string[]>();
    for (const e of events) map.set(e.alertId, [...(map.get(e.alertId) ?? []), e.key]);
    return map;
  };
  const streamByAlert = byAlert(stream);
  const receivedByAlert = byAlert(once);
  const outOfOrderAlerts = [...streamByAlert].filter(
    ([alertId, keys]) => (receivedByAlert.get(alertId) ?? []).join('\n') !== keys.join('\n'),
  ).length;
  return {
    received: received.length,
    stream: stream.length,
    lost: lost.length,
    duplicates: received.length - once.length,
    unknown: unknown.length,
    inOrder: outOfOrderAlerts === 0 && unknown.length === 0,
    outOfOrderAlerts,
    examples: { lost: lost.slice(0, 3).map((e) => e.key), unknown: unknown.slice(0, 3).map((e) => e.key) },
  };
}

export interface MemorySample {
  service: string;
  atMs: number;
  rssBytes: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor(sorted.length / 2)] as number);
};
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/**
 * Per service: the peak RSS in [first.from, first.to) and in [last.from, last.to), their ratio, flat within ±tolerance
 * (the windows' medians are reported beside them). The peak, not the median: a garbage-collected process's RSS is a
 * sawtooth (the bridge's swings between ~215 and ~280 MB within a minute or two under the soak's load), and a window's
 * median lands on its top or its bottom depending on the phase of the collections, which a window of a few minutes does
 * not average out: the 17:37 30-minute soak judged the bridge 0.823 by medians (280 → 230.4 MB) while the tops of its 30-s
 * medians were 283 and 279.7 MB in the two windows. Growth
 * raises the peaks as it raises the medians, so a leak still fails, and a fall (a step down at a fault) still fails too.
 * A service in `firstAfterRestart` was restarted during the run: its first window is the one given there (the new
 * process settled), since the old process's memory says nothing about the new one's.
 */
export function memoryFlat(
  samples: readonly MemorySample[],
  first: { from: number; to: number },
  last: { from: number; to: number },
  tolerance = 0.15,
  firstAfterRestart: Record<string, { from: number; to: number }> = {},
) {
  const services = [...new Set(samples.map((s) => s.service))];
  return services.map((service) => {
    const mine = samples.filter((s) => s.service === service && Number.isFinite(s.rssBytes));
    const own = firstAfterRestart[service] ?? first;
    const inWindow = (w: { from: number; to: number }) =>
      mine.filter((s) => s.atMs >= w.from && s.atMs < w.to).map((s) => s.rssBytes);
    const [firstRss, lastRss] = [inWindow(own), inWindow(last)];
    const peak = (values: number[]) => (values.length === 0 ? Number.NaN : Math.max(...values));
    const ratio = peak(lastRss) / peak(firstRss);
    return {
      service,
      ...(firstAfterRestart[service] ? { firstWindowAfterRestartS: Math.round(own.from / 1000) } : {}),
      firstPeakMb: mb(peak(firstRss)),
      lastPeakMb: mb(peak(lastRss)),
      firstMedianMb: mb(median(firstRss)),
      lastMedianMb: mb(median(lastRss)),
      maxMb: mb(Math.max(...mine.map((s) => s.rssBytes))),
      ratio: Math.round(ratio * 1000) / 1000,
      flat: Math.abs(ratio - 1) <= tolerance,
    };
  });
}

/**
 * Per service, its median RSS in MB for each `stepMs` of the run (null where it had no sample, e.g. while a fault held
 * it down): what the two windows of `memoryFlat` summarise, so a verdict can be read against the whole run.
 */
export function memoryTimeline(samples: readonly MemorySample[], stepMs: number) {
  const steps = Math.ceil(Math.max(0, ...samples.map((s) => s.atMs + 1)) / stepMs);
  const timeline: Record<string, (number | null)[]> = {};
  for (const service of new Set(samples.map((s) => s.service))) {
    const mine = samples.filter((s) => s.service === service && Number.isFinite(s.rssBytes));
    timeline[service] = Array.from({ length: steps }, (_, i) => {
      const inStep = mine.filter((s) => s.atMs >= i * stepMs && s.atMs < (i + 1) * stepMs).map((s) => s.rssBytes);
      return inStep.length === 0 ? null : mb(median(inStep));
    });
  }
  return timeline;
}
