import { badUserInput } from '@bst/subgraph-kit';

const day = 24 * 3600_000;

/** A page size argument: absent → the default, else 1..max. */
export function pageSize(field: string, value: number | null | undefined, fallback: number, max: number): number {
  if (value === null || value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw badUserInput(field, `${field} must be 1..${max}`);
  return value;
}

/** [since, until] in epoch ms; until defaults to now and since to a day before until. */
export function timeWindow(since: Date | null | undefined, until: Date | null | undefined, now: number) {
  const end = until ? until.getTime() : now;
  const start = since ? since.getTime() : end - day;
  if (start > end) throw badUserInput('since', 'since must not be after until');
  return { since: start, until: end };
}

/** An optional range for history queries (both ends optional). */
export function readingRange(since: Date | null | undefined, until: Date | null | undefined) {
  if (since && until && since.getTime() > until.getTime()) throw badUserInput('since', 'since must not be after until');
  return {
    ...(since ? { since: since.getTime() } : {}),
    ...(until ? { until: until.getTime() } : {}),
  };
}
