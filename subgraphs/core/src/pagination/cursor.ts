import { badUserInput } from '@bst/subgraph-kit';

export const defaultPageSize = 50;
export const maxPageSize = 1000;

/** Cursors are opaque to clients; inside they carry the sort key of the last row seen. */
export function encodeCursor(key: string | number): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

export function decodeCursor<T extends 'string' | 'number'>(
  cursor: string,
  type: T,
): T extends 'string' ? string : number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const key = (parsed as { k?: unknown } | null)?.k;
    // Only keys this service could have issued: a row id Postgres can hold, a code without NUL characters.
    const issued =
      typeof key === 'number'
        ? Number.isSafeInteger(key) && key >= 0
        : typeof key === 'string' && key.length <= 256 && !key.includes('\u0000');
    if (typeof key === type && issued) return key as T extends 'string' ? string : number;
  } catch {}
  throw badUserInput('after', 'Malformed cursor: pass an endCursor or edge cursor from a previous page');
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return defaultPageSize;
  if (!Number.isInteger(first) || first < 0 || first > maxPageSize) {
    throw badUserInput('first', `first must be between 0 and ${maxPageSize}`);
  }
  return first;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** A function so that the count query runs only when a client asks for it. */
  totalCount: () => Promise<number>;
}

/** `rows` was fetched with limit `size + 1`: the extra row only says there is a next page. */
export function toConnection<T>(
  rows: T[],
  size: number,
  keyOf: (row: T) => string | number,
  totalCount: () => Promise<number>,
): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
