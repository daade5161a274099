import { describe, expect, it } from 'vitest';
import { type Alert, type AlertEvent, applyEventToAlert, foldAlertEvents } from '../src/index.ts';

const MINUTE = 60_000;

function event(transition: AlertEvent['transition'], at: number, overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    transition,
    alertId: 'TEMPERATURE_HIGH:1',
    kind: 'TEMPERATURE_HIGH',
    severity: 'WARNING',
    at,
    startedAt: 0,
    peakValue: 9,
    message: 'as the engine words it',
    ...overrides,
  };
}

const fold = (events: AlertEvent[]) => foldAlertEvents(events).get('TEMPERATURE_HIGH:1');

describe('the alert lifecycle fold', () => {
  it('creates a record only from RAISED: any other transition for an unknown alert leaves none', () => {
    for (const transition of ['ESCALATED', 'CLEARED', 'UPDATED', 'ACKNOWLEDGED', 'WITHDRAWN'] as const) {
      expect(applyEventToAlert(undefined, event(transition, MINUTE))).toBeUndefined();
    }
    expect(fold([event('ESCALATED', MINUTE, { severity: 'CRITICAL' }), event('CLEARED', 2 * MINUTE)])).toBeUndefined();
  });

  it('treats a RAISED for an alert that has a record as a redelivery', () => {
    const raised = fold([event('RAISED', 0)]) as Alert;
    expect(applyEventToAlert(raised, event('RAISED', MINUTE, { severity: 'CRITICAL', peakValue: 15 }))).toBe(raised);
  });

  it('only raises severity and widens the peak on escalation and clearing; a correction may lower them', () => {
    const escalated = fold([
      event('RAISED', 0),
      event('ESCALATED', MINUTE, { severity: 'CRITICAL', peakValue: 12 }),
      event('CLEARED', 2 * MINUTE, { severity: 'WARNING', peakValue: 10 }),
    ]);
    expect(escalated).toMatchObject({ severity: 'CRITICAL', peakValue: 12, endedAt: 2 * MINUTE });
    const corrected = applyEventToAlert(
      escalated,
      event('UPDATED', 3 * MINUTE, { severity: 'WARNING', peakValue: 9.5, startedAt: -MINUTE, endedAt: null }),
    );
    expect(corrected).toMatchObject({
      severity: 'WARNING',
      peakValue: 9.5,
      startedAt: -MINUTE,
      endedAt: null,
      state: 'ACTIVE_UNACKNOWLEDGED',
    });
  });

  it('takes the minimum as the peak of a low excursion', () => {
    const low = { alertId: 'TEMPERATURE_HIGH:1', kind: 'TEMPERATURE_LOW' as const };
    expect(
      fold([event('RAISED', 0, { ...low, peakValue: 1 }), event('ESCALATED', MINUTE, { ...low, peakValue: 0.5 })]),
    ).toMatchObject({ peakValue: 0.5 });
  });

  it('keeps the first end when a clear is redelivered', () => {
    expect(fold([event('RAISED', 0), event('CLEARED', MINUTE), event('CLEARED', 2 * MINUTE)])).toMatchObject({
      endedAt: MINUTE,
      state: 'CLEARED_UNACKNOWLEDGED',
    });
  });

  it('keeps the first acknowledgement, its user and note', () => {
    const acked = fold([
      event('RAISED', 0),
      event('ACKNOWLEDGED', MINUTE, { by: 'olga', note: 'door shut' }),
      event('ACKNOWLEDGED', 2 * MINUTE, { by: 'ivan', note: null }),
      event('CLEARED', 3 * MINUTE),
    ]);
    expect(acked).toMatchObject({
      acknowledgedAt: MINUTE,
      acknowledgedBy: 'olga',
      note: 'door shut',
      state: 'CLEARED_ACKNOWLEDGED',
    });
  });

  it('removes a withdrawn record; the id then names the next excursion afresh', () => {
    const records = foldAlertEvents([event('RAISED', 0), event('WITHDRAWN', MINUTE)]);
    expect(records.size).toBe(0);
    foldAlertEvents([event('RAISED', 5 * MINUTE, { startedAt: 4 * MINUTE, peakValue: 10 })], records);
    expect(records.get('TEMPERATURE_HIGH:1')).toMatchObject({ startedAt: 4 * MINUTE, peakValue: 10, endedAt: null });
  });

  it('derives the message from the record, not from the event that came last', () => {
    expect(
      fold([event('RAISED', 0), event('ESCALATED', MINUTE, { severity: 'CRITICAL', peakValue: 12 })]),
    ).toMatchObject({ message: 'Temperature above range (peak 12 °C), critical' });
  });
});
