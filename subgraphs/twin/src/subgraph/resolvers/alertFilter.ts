import type { AlertKind, AlertState, Severity } from '@bst/coldchain';
import { alertMatches, type AlertFilter as StoreAlertFilter, type StoredAlert } from '../../store/index.ts';

/** The GraphQL `AlertFilter` input (scalars already parsed). */
export interface AlertFilterInput {
  containerCodes?: string[] | null;
  sampleCodes?: string[] | null;
  kinds?: AlertKind[] | null;
  severities?: Severity[] | null;
  states?: AlertState[] | null;
  active?: boolean | null;
  since?: Date | null;
}

const activeStates: AlertState[] = ['ACTIVE_UNACKNOWLEDGED', 'ACTIVE_ACKNOWLEDGED'];
const clearedStates: AlertState[] = ['CLEARED_UNACKNOWLEDGED', 'CLEARED_ACKNOWLEDGED'];

/**
 * The store filters one entity type at a time, so container and sample codes together become two filters whose
 * results are merged; an alert matches the input when it matches any of them.
 */
export function storeAlertFilters(input: AlertFilterInput | null | undefined): StoreAlertFilter[] {
  const common: StoreAlertFilter = {};
  if (input?.kinds) common.kinds = input.kinds;
  if (input?.severities) common.severities = input.severities;
  let states = input?.states ?? undefined;
  if (input?.active === true || input?.active === false) {
    const wanted = input.active ? activeStates : clearedStates;
    states = states ? states.filter((s) => wanted.includes(s)) : wanted;
  }
  if (states) common.states = states;
  if (input?.since) common.since = input.since.getTime();

  const byType: StoreAlertFilter[] = [];
  if (input?.containerCodes) byType.push({ ...common, entityType: 'CONTAINER', codes: input.containerCodes });
  if (input?.sampleCodes) byType.push({ ...common, entityType: 'SAMPLE', codes: input.sampleCodes });
  return byType.length > 0 ? byType : [common];
}

export function matchesAnyFilter(alert: StoredAlert, filters: StoreAlertFilter[]): boolean {
  return filters.some((filter) => alertMatches(alert, filter));
}

export function newestFirst(a: StoredAlert, b: StoredAlert): number {
  return b.startedAt - a.startedAt || b.id.localeCompare(a.id);
}
