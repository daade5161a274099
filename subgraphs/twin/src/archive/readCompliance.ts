import {
  type Compliance,
  complianceFromRollups,
  type Excursions,
  excursionsAt,
  type HourRollup,
  planWindow,
  ROLLUP_INTERVAL_MS,
  type StorageProfile,
  type Window,
} from '@bst/coldchain';
import { type EntityRef, entityKey, type TwinReading, type TwinStore } from '../store/index.ts';
import type { ArchiveRepository, StoredRollup } from './ArchiveRepository.ts';
import type { History, HistoryRange } from './createHistory.ts';
import { profileFingerprint } from './profileFingerprint.ts';

export interface ComplianceRequest {
  entity: EntityRef;
  profile: StorageProfile;
  window: Window;
}

/** Requests that share a window share every archive query. */
function byWindow(requests: readonly ComplianceRequest[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  requests.forEach((r, i) => {
    const key = `${r.window.since}:${r.window.until}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return groups;
}

/**
 * Hours whose stored rollup was judged by another profile (or none), and the hours after them that its readings may
 * hold into: recomputed by the profile asked about.
 */
function hoursToRepair(rows: readonly StoredRollup[], profile: StorageProfile, from: number, to: number): number[] {
  const fingerprint = profileFingerprint(profile);
  const hours = new Set<number>();
  const stale = Math.ceil((profile.staleAfterSeconds * 1000) / ROLLUP_INTERVAL_MS);
  for (const row of rows) {
    if (row.profile === fingerprint) continue;
    for (let k = 0; k <= stale; k++) {
      const hour = row.hour + k * ROLLUP_INTERVAL_MS;
      if (hour >= from && hour < to) hours.add(hour);
    }
  }
  return [...hours];
}

/**
 * Compliance of many windows from the archive: the hourly rollups of each window's whole hours (recomputed where they
 * were judged by another profile), raw readings (hot window and archive) at its edges and since the latest
 * checkpoint, and the alert records. The archive trails ingest by the outbox lag (see `archiveStats`).
 */
export function createComplianceReader({
  store,
  archive,
  history,
}: {
  store: TwinStore;
  archive: ArchiveRepository;
  history: History;
}) {
  return async function readCompliance(requests: readonly ComplianceRequest[]): Promise<Compliance[]> {
    const results: Compliance[] = new Array(requests.length);
    for (const indexes of byWindow(requests).values()) {
      const group = indexes.map((i) => requests[i] as ComplianceRequest);
      const { window } = group[0] as ComplianceRequest;
      const plan = planWindow(window);
      const keys = group.map((r) => entityKey(r.entity));
      const [stored, ended, archivedCheckpoints, hotCheckpoints] = await Promise.all([
        plan.hours ? archive.rollups(keys, plan.hours.from, plan.hours.to) : Promise.resolve(new Map()),
        archive.endedExcursions(keys, window.since, window.until),
        archive.checkpointsAt(keys, window.until),
        // `before` is exclusive: one ms past `until` takes a checkpoint at `until` itself.
        Promise.all(group.map((r) => store.checkpointBefore(r.entity, window.until + 1))),
      ]);
      const hours: HourRollup[][] = await Promise.all(
        group.map(async (r, k) => {
          const rows: StoredRollup[] = stored.get(keys[k] as string) ?? [];
          if (!plan.hours) return [];
          const repair = hoursToRepair(rows, r.profile, plan.hours.from, plan.hours.to);
          if (repair.length === 0) return rows;
          const repaired = await archive.repairRollups(keys[k] as string, repair, r.profile);
          const fresh = new Set(repaired.map((h) => h.hour));
          return [...rows.filter((h) => !fresh.has(h.hour)), ...repaired];
        }),
      );
      const starts = group.map((_, k) => {
        const archived = archivedCheckpoints.get(keys[k] as string) ?? null;
        const hot = hotCheckpoints[k] ?? null;
        return hot !== null && (archived === null || hot.at > archived.at) ? hot : archived;
      });
      // Per request: its edges (and the staleness before each), and everything after its checkpoint up to `until`.
      const ranges: HistoryRange[] = [];
      const owners: number[] = [];
      group.forEach((r, k) => {
        const staleMs = r.profile.staleAfterSeconds * 1000;
        const start = starts[k];
        // Without a checkpoint the state is folded from the first reading.
        const foldFrom = start ? start.at + 1 : 0;
        for (const edge of plan.edges) {
          const from = edge.from - staleMs + 1;
          // The last edge ends at `until`, like the fold: read them together.
          if (edge.to === window.until && foldFrom <= edge.to) continue;
          ranges.push({ entity: r.entity, from, to: edge.to });
          owners.push(k);
        }
        const lastEdge = plan.edges.at(-1) as { from: number };
        ranges.push({ entity: r.entity, from: Math.min(foldFrom, lastEdge.from - staleMs + 1), to: window.until });
        owners.push(k);
      });
      const found = await history.ranges(ranges);
      const readingsOf = group.map(() => new Map<number, TwinReading>());
      found.forEach((series, n) => {
        const into = readingsOf[owners[n] as number] as Map<number, TwinReading>;
        for (const reading of series) into.set(reading.at, reading);
      });
      group.forEach((r, k) => {
        const series = [...(readingsOf[k] as Map<number, TwinReading>).values()].sort((a, b) => a.at - b.at);
        const start = starts[k] ?? null;
        const after = start ? series.filter((reading) => reading.at > start.at) : series;
        const atUntil: Excursions = excursionsAt(start?.excursions ?? null, after, r.profile, window.until);
        results[indexes[k] as number] = complianceFromRollups(
          {
            window,
            hours: hours[k] ?? [],
            edgeReadings: series,
            ended: ended.get(keys[k] as string) ?? [],
            atUntil,
          },
          r.profile,
        );
      });
    }
    return results;
  };
}

export type ComplianceReader = ReturnType<typeof createComplianceReader>;
