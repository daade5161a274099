import type { AlertKind } from './types.ts';

/**
 * Deterministic, so two bridge instances (or one bridge after a redelivery) name the same alert alike whatever order
 * the readings came in: an excursion by its ordinal per kind, SENSOR_OFFLINE by when the silence became too long.
 * The adapter prefixes the entity.
 */
export function alertId(kind: AlertKind, ordinalOrStart: number): string {
  return `${kind}:${ordinalOrStart}`;
}
