import type { AlertKind } from './types.ts';

/** Deterministic, so two bridge instances deciding the same transition name the same alert; the adapter prefixes the entity. */
export function alertId(kind: AlertKind, startedAt: number): string {
  return `${kind}:${startedAt}`;
}
