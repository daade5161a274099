import { applyReading, initialState, type StorageProfile } from '@bst/coldchain';
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

/** The alert ids the engine raises in memory for the same stream (the truth the bridge must match). */
export function expectedAlertIds(stream: StreamReading[], profile: StorageProfile): string[] {
  const states = new Map<string, ReturnType<typeof initialState>>();
  const ids: string[] = [];
  for (const r of [...stream].sort((a, b) => a.at - b.at)) {
    const outcome = applyReading(
      states.get(r.code) ?? initialState(),
      { at: r.at, temperatureC: r.temperature, humidityPct: r.humidity },
      profile,
    );
    states.set(r.code, outcome.state);
    for (const event of outcome.events) {
      if (event.transition === 'RAISED')
        ids.push(storedAlertId({ entityType: 'CONTAINER', code: r.code }, event.alertId));
    }
  }
  return ids.sort();
}
