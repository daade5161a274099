import {
  type Compliance,
  complianceFromRollups,
  type EndedExcursion,
  type ExcursionKind,
  type Excursions,
  excursionsAt,
  type HourRollup,
  hourlyRollup,
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
  now = Date.now,
}: {
  store: TwinStore;
  archive: ArchiveRepository;
  history: History;
  now?: () => number;
}) {
  /**
   * While the outbox holds entries not archived yet (a burst, a back-fill), the hours the hot window covers are
   * checked against it: an hour whose rollup was computed from fewer readings than Redis holds for it is computed from
   * the readings themselves (the archiver stores it once it catches up), and the store's alert records join the
   * archive's. With the archive caught up, none of this runs.
   */
  async function freshen(
    request: ComplianceRequest,
    rows: HourRollup[],
    stored: Map<number, number>,
    hours: { from: number; to: number } | null,
  ): Promise<HourRollup[]> {
    if (!hours) return rows;
    const staleMs = request.profile.staleAfterSeconds * 1000;
    const hotFrom = now() - store.hotWindowMs + staleMs;
    const checked: number[] = [];
    for (
      let hour = Math.max(hours.from, Math.ceil(hotFrom / ROLLUP_INTERVAL_MS) * ROLLUP_INTERVAL_MS);
      hour < hours.to;
      hour += ROLLUP_INTERVAL_MS
    ) {
      checked.push(hour);
    }
    const counts = await store.countReadings(
      request.entity,
      checked.map((hour) => ({ after: hour - staleMs, before: hour + ROLLUP_INTERVAL_MS })),
    );
    const behind = checked.filter((hour, i) => (counts[i] ?? 0) !== (stored.get(hour) ?? 0));
    if (behind.length === 0) return rows;
    const first = Math.min(...behind);
    const last = Math.max(...behind);
    const series = await history.range(request.entity, first - staleMs + 1, last + ROLLUP_INTERVAL_MS - 1);
    const redone = new Set(behind);
    return [
      ...rows.filter((h) => !redone.has(h.hour)),
      ...behind.map((hour) => hourlyRollup(series, request.profile, hour)),
    ];
  }

  async function storeEnded(request: ComplianceRequest): Promise<EndedExcursion[]> {
    const { since, until } = request.window;
    const alerts = await store.alerts({ entityType: request.entity.entityType, codes: [request.entity.code] }, 1000);
    return alerts
      .filter((a) => a.kind !== 'SENSOR_OFFLINE' && a.endedAt !== null && a.endedAt > since && a.endedAt <= until)
      .map((a) => ({
        kind: a.kind as ExcursionKind,
        startedAt: a.startedAt,
        endedAt: a.endedAt as number,
        peakValue: a.peakValue ?? Number.NaN,
      }));
  }

  return async function readCompliance(requests: readonly ComplianceRequest[]): Promise<Compliance[]> {
    const results: Compliance[] = new Array(requests.length);
    const behind = (await store.outbox.lag()).unacknowledged > 0;
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
          const repaired = repair.length === 0 ? [] : await archive.repairRollups(keys[k] as string, repair, r.profile);
          const fresh = new Set(repaired.map((h) => h.hour));
          const current = [...rows.filter((h) => !fresh.has(h.hour)), ...repaired];
          if (!behind) return current;
          return freshen(r, current, new Map(current.map((h) => [h.hour, h.sourceReadings])), plan.hours);
        }),
      );
      const endedInStore = behind ? await Promise.all(group.map(storeEnded)) : null;
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
            ended: mergeEnded(ended.get(keys[k] as string) ?? [], endedInStore?.[k] ?? []),
            atUntil,
          },
          r.profile,
        );
      });
    }
    return results;
  };
}

/** The archive's ended excursions and the store's (fresher), one per kind and start, the store's kept. */
function mergeEnded(archived: readonly EndedExcursion[], hot: readonly EndedExcursion[]): EndedExcursion[] {
  const byKey = new Map<string, EndedExcursion>();
  for (const e of [...archived, ...hot]) byKey.set(`${e.kind}@${e.startedAt}`, e);
  return [...byKey.values()];
}

export type ComplianceReader = ReturnType<typeof createComplianceReader>;
