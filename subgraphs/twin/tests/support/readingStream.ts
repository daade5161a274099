import { type AlertEvent, applyReading, foldAlertEvents, initialState, type StorageProfile } from '@bst/coldchain';
import { storedAlertId } from '../../src/store/index.ts';

export interface StreamReading {
  code: string;
  at: number;
  temperature: number;
  humidity: number;
}

/**
 * A deterministic device stream: `perCode` readings a minute apart for each box, interleaved across boxes, with a
 * ten-minute excursion above 8 °C in every hundred readings.
 */
export function readingStream(codes: string[], perCode: number, start: number): StreamReading[] {
  const stream: StreamReading[] = [];
  for (let i = 0; i < perCode; i++) {
    for (const [n, code] of codes.entries()) {
      const phase = (i + n * 7) % 100;
      stream.push({
        code,
        at: start + i * 60_000,
        temperature: phase >= 40 && phase < 50 ? 10 + (phase % 3) : 5,
        humidity: 50,
      });
    }
  }
  return stream;
}

/** An alert as a test compares it: what must not depend on arrival order or on how many bridges took part. */
export interface ComparableAlert {
  id: string;
  kind: string;
  severity: string;
  state: string;
  startedAt: number;
  endedAt: number | null;
  peakValue: number | null;
}

export function comparable(alerts: ComparableAlert[]): ComparableAlert[] {
  return alerts
    .map(({ id, kind, severity, state, startedAt, endedAt, peakValue }) => ({
      id,
      kind,
      severity,
      state,
      startedAt,
      endedAt,
      peakValue,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The alert records the engine leaves in memory for the same stream, sorted by event time (the truth the bridge must match). */
export function expectedAlerts(stream: StreamReading[], profile: StorageProfile): ComparableAlert[] {
  const states = new Map<string, ReturnType<typeof initialState>>();
  const events = new Map<string, AlertEvent[]>();
  for (const r of [...stream].sort((a, b) => a.at - b.at)) {
    const outcome = applyReading(
      states.get(r.code) ?? initialState(),
      { at: r.at, temperatureC: r.temperature, humidityPct: r.humidity },
      profile,
    );
    states.set(r.code, outcome.state);
    const own = events.get(r.code) ?? [];
    own.push(...outcome.events);
    events.set(r.code, own);
  }
  const alerts: ComparableAlert[] = [];
  for (const [code, own] of events) {
    for (const alert of foldAlertEvents(own).values()) {
      alerts.push({ ...alert, id: storedAlertId({ entityType: 'CONTAINER', code }, alert.id) });
    }
  }
  return comparable(alerts);
}
