import { initialState, type MonitorState } from '@bst/coldchain';
import type {
  AlertEventRecord,
  EntityRef,
  LiveState,
  ReadingCommit,
  TwinReading,
  TwinStore,
  TwinStoreOptions,
} from '../../../src/store/index.ts';
import { storedAlertId } from '../../../src/store/index.ts';

export type StoreFactory = (options: TwinStoreOptions & { prefix: string }) => TwinStore;

/** What every contract section gets: how to make a store, and whether a store reopened on a prefix finds its data. */
export interface ContractHarness {
  adapter: string;
  createStore: StoreFactory;
  uniquePrefix: () => string;
  /** Closing a store and creating one on the same prefix gives back the same data (Redis; memory with a data dir). */
  durable: boolean;
}

export const box: EntityRef = { entityType: 'CONTAINER', code: 'BOX-0001' };
export const sample: EntityRef = { entityType: 'SAMPLE', code: 'SAMPLE-0001' };
export const t0 = Date.UTC(2025, 9, 13, 10, 30);

export function reading(at: number, temperatureC: number | null = 4.2): TwinReading {
  return { at, receivedAt: at + 50, temperatureC, humidityPct: 55 };
}

export function liveOf(entity: EntityRef, r: TwinReading, registered = true): LiveState {
  return {
    ...entity,
    at: r.at,
    receivedAt: r.receivedAt,
    temperatureC: r.temperatureC,
    humidityPct: r.humidityPct,
    lat: r.lat ?? null,
    lng: r.lng ?? null,
    status: r.status ?? null,
    registered,
  };
}

export function stateAt(at: number): MonitorState {
  return { ...initialState(), latestAt: at };
}

export function alertEvent(
  entity: EntityRef,
  transition: AlertEventRecord['transition'],
  at: number,
  overrides: Partial<AlertEventRecord> = {},
): AlertEventRecord {
  return {
    ...entity,
    transition,
    alertId: storedAlertId(entity, `TEMPERATURE_HIGH:${t0}`),
    kind: 'TEMPERATURE_HIGH',
    severity: 'WARNING',
    at,
    startedAt: t0,
    value: 9.5,
    message: 'temperature 9.5 °C above 8 °C',
    ...overrides,
  };
}

export function plain(entity: EntityRef, r: TwinReading, registered = true): ReadingCommit {
  return { entity, reading: r, live: liveOf(entity, r, registered) };
}

export function monitored(
  entity: EntityRef,
  r: TwinReading,
  expectedVersion: number,
  events: AlertEventRecord[] = [],
  nextCheckAt: number | null = null,
): ReadingCommit {
  return { ...plain(entity, r), monitor: { expectedVersion, state: stateAt(r.at), events, nextCheckAt } };
}

export async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
