import { type EntityRef, entityKey, type TwinReading, type TwinStore } from '../store/index.ts';
import type { ArchiveRepository } from './ArchiveRepository.ts';

export interface HistoryRange {
  entity: EntityRef;
  /** Inclusive. */
  from: number;
  /** Inclusive. */
  to: number;
}

export interface HistoryPageQuery {
  since: number;
  until: number;
  /** The oldest `first` after the event time `after` (exclusive)… */
  first?: number;
  after?: number | null;
  /** …or the newest `last` before `before` (exclusive). */
  last?: number;
  before?: number | null;
}

/**
 * One entity's readings wherever they are: the store's hot window and the archive, merged by event time (one reading
 * per event time), so a caller never needs to know where the hot window ends.
 */
export interface History {
  ranges(ranges: readonly HistoryRange[]): Promise<TwinReading[][]>;
  range(entity: EntityRef, from: number, to: number): Promise<TwinReading[]>;
  /** A page of a range, oldest first, and whether more readings follow it in the direction asked. */
  page(entity: EntityRef, query: HistoryPageQuery): Promise<{ readings: TwinReading[]; more: boolean }>;
}

/** Two sorted series as one, one reading per event time (the hot window's copy when both have it). */
function merge(hot: readonly TwinReading[], archived: readonly TwinReading[]): TwinReading[] {
  const merged: TwinReading[] = [];
  let i = 0;
  let j = 0;
  while (i < hot.length || j < archived.length) {
    const a = hot[i];
    const b = archived[j];
    if (b === undefined || (a !== undefined && a.at <= b.at)) {
      merged.push(a as TwinReading);
      i++;
      if (b !== undefined && b.at === (a as TwinReading).at) j++;
    } else {
      merged.push(b);
      j++;
    }
  }
  return merged;
}

/** History over the store alone (no archive configured): only the hot window. */
export function createHistory(store: TwinStore, archive: ArchiveRepository | null): History {
  async function ranges(wanted: readonly HistoryRange[]): Promise<TwinReading[][]> {
    const [hot, archived] = await Promise.all([
      Promise.all(wanted.map((r) => store.readings(r.entity, { since: r.from, until: r.to }))),
      archive
        ? archive.readingsIn(wanted.map((r) => ({ entity: entityKey(r.entity), from: r.from, to: r.to })))
        : Promise.resolve(null),
    ]);
    if (!archived) return hot;
    // Ranges of one entity share the archive's answer: keep each range's part.
    return wanted.map((r, i) =>
      merge(
        hot[i] ?? [],
        (archived.get(entityKey(r.entity)) ?? []).filter((reading) => reading.at >= r.from && reading.at <= r.to),
      ),
    );
  }

  return {
    ranges,
    async range(entity, from, to) {
      return (await ranges([{ entity, from, to }]))[0] ?? [];
    },
    async page(entity, query) {
      const backward = query.last !== undefined;
      const size = (backward ? query.last : query.first) ?? 100;
      const since = !backward && query.after != null ? Math.max(query.since, query.after + 1) : query.since;
      const until = backward && query.before != null ? Math.min(query.until, query.before - 1) : query.until;
      if (since > until) return { readings: [], more: false };
      const [hot, archived] = await Promise.all([
        store.readings(entity, { since, until, ...(backward ? { last: size + 1 } : { first: size + 1 }) }),
        archive
          ? archive.readingsPage(entityKey(entity), { since, until, limit: size + 1, newestFirst: backward })
          : Promise.resolve([]),
      ]);
      const merged = merge(hot, archived);
      const page = backward ? merged.slice(Math.max(0, merged.length - size - 1)) : merged.slice(0, size + 1);
      const more = page.length > size;
      return { readings: backward ? page.slice(page.length - Math.min(size, page.length)) : page.slice(0, size), more };
    },
  };
}
