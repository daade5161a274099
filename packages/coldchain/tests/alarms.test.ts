import { describe, expect, it } from 'vitest';
import { refrigeratedProfile } from '../src/fixtures/index.ts';
import {
  type Alert,
  AlertAlreadyAcknowledgedError,
  type AlertEvent,
  acknowledgeAlert,
  alertId,
  applyEventToAlert,
  applyReading,
  applyTick,
  initialState,
  type MonitorState,
  REORDER_HORIZON,
} from '../src/index.ts';

const MINUTE = 60_000;
const refrigerated = refrigeratedProfile();

function feed(temperatures: [number, number][], state: MonitorState = initialState()) {
  const events: AlertEvent[] = [];
  for (const [m, temperatureC] of temperatures) {
    const outcome = applyReading(state, { at: m * MINUTE, temperatureC, humidityPct: null }, refrigerated);
    state = outcome.state;
    events.push(...outcome.events);
  }
  return { state, events };
}

const fold = (events: AlertEvent[], alert?: Alert) => events.reduce<Alert | undefined>(applyEventToAlert, alert)!;

describe('the alarm lifecycle', () => {
  const { events } = feed([
    [0, 5],
    [5, 9],
    [10, 5],
  ]);
  const raised = fold(events.slice(0, 1));

  it('starts active and unacknowledged, named by its kind and ordinal', () => {
    expect(raised).toMatchObject({ id: alertId('TEMPERATURE_HIGH', 1), state: 'ACTIVE_UNACKNOWLEDGED' });
  });

  it('can be acknowledged while active, with a user and a note, and stays active', () => {
    const { alert, event } = acknowledgeAlert(raised, { by: 'olga', note: 'door left open', at: 7 * MINUTE });
    expect(alert).toMatchObject({ state: 'ACTIVE_ACKNOWLEDGED', acknowledgedBy: 'olga', note: 'door left open' });
    expect(event).toMatchObject({ transition: 'ACKNOWLEDGED', at: 7 * MINUTE, by: 'olga' });
    expect(fold(events.slice(1), alert)).toMatchObject({ state: 'CLEARED_ACKNOWLEDGED', endedAt: 10 * MINUTE });
  });

  it('clears without acknowledgement and can be acknowledged afterwards', () => {
    const cleared = fold(events);
    expect(cleared).toMatchObject({ state: 'CLEARED_UNACKNOWLEDGED', endedAt: 10 * MINUTE, peakValue: 9 });
    expect(acknowledgeAlert(cleared, { by: 'olga', at: 11 * MINUTE }).alert.state).toBe('CLEARED_ACKNOWLEDGED');
  });

  it('refuses a second acknowledgement, keeping the first', () => {
    const { alert } = acknowledgeAlert(raised, { by: 'olga', at: 7 * MINUTE });
    expect(() => acknowledgeAlert(alert, { by: 'ivan', at: 8 * MINUTE })).toThrow(AlertAlreadyAcknowledgedError);
  });

  it('is the same record however often its events are redelivered', () => {
    expect(fold([...events, ...events])).toEqual(fold(events));
  });
});

describe('sensor silence', () => {
  it('is named by when the silence became too long, so two bridges ticking at different times agree', () => {
    const { state } = feed([[0, 5]]);
    const one = applyTick(state, 16 * MINUTE, refrigerated).events;
    const other = applyTick(state, 19 * MINUTE, refrigerated).events;
    expect(one[0]!.alertId).toBe(other[0]!.alertId);
    expect(one[0]).toMatchObject({ transition: 'RAISED', kind: 'SENSOR_OFFLINE', at: 16 * MINUTE });
  });

  it('is raised once, however many ticks pass', () => {
    const { state } = feed([[0, 5]]);
    const first = applyTick(state, 16 * MINUTE, refrigerated);
    expect(applyTick(first.state, 30 * MINUTE, refrigerated).events).toEqual([]);
  });

  it('is not ended by a late reading, only by a newer one', () => {
    const { state } = feed([
      [0, 5],
      [10, 5],
    ]);
    const offline = applyTick(state, 30 * MINUTE, refrigerated).state;
    expect(applyReading(offline, { at: 5 * MINUTE, temperatureC: 5, humidityPct: null }, refrigerated).events).toEqual(
      [],
    );
    const back = applyReading(offline, { at: 31 * MINUTE, temperatureC: 5, humidityPct: null }, refrigerated);
    expect(back.events.map((e) => e.transition)).toEqual(['CLEARED']);
    expect(back.state.offline).toBeNull();
  });
});

describe('live state', () => {
  it('never moves back for a late reading', () => {
    const { state } = feed([
      [0, 5],
      [10, 6],
    ]);
    const late = applyReading(state, { at: 5 * MINUTE, temperatureC: 3, humidityPct: null }, refrigerated);
    expect(late.accepted).toBe('late');
    expect(late.state.live.temperatureC).toBe(6);
    expect(late.state.latestAt).toBe(10 * MINUTE);
  });

  it('keeps only a bounded reorder horizon, so the state stays small', () => {
    const readings = Array.from({ length: 500 }, (_, m): [number, number] => [m, m % 7 === 0 ? 9 : 5]);
    const { state } = feed(readings);
    expect(state.horizon).toHaveLength(REORDER_HORIZON);
    expect(JSON.stringify(state).length).toBeLessThan(4096);
    const tooLate = applyReading(state, { at: 1 * MINUTE, temperatureC: 30, humidityPct: null }, refrigerated);
    expect(tooLate).toMatchObject({ accepted: 'needs-replay', replayBefore: 1 * MINUTE, events: [] });
    expect(tooLate.state).toBe(state);
  });

  it('round-trips through JSON unchanged', () => {
    const { state } = feed([
      [0, 5],
      [5, 9],
    ]);
    const stored = JSON.parse(JSON.stringify(state)) as MonitorState;
    const next = { at: 10 * MINUTE, temperatureC: 5, humidityPct: null };
    expect(applyReading(stored, next, refrigerated)).toEqual(applyReading(state, next, refrigerated));
  });
});
