import { describe, expect, it } from 'vitest';
import { type AlertEvent, AlertFeed, type FeedAlert } from '../app/model/alertFeed.ts';
import { containerStatus } from '../app/model/containerStatus.ts';

function alert(id: string, overrides: Partial<FeedAlert> = {}): FeedAlert {
  return {
    id,
    kind: 'TEMPERATURE_HIGH',
    severity: 'WARNING',
    state: 'ACTIVE_UNACKNOWLEDGED',
    container: { code: 'BOX-0002' },
    sample: null,
    startedAt: '2025-10-13T10:00:00Z',
    endedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    message: 'Temperature 11.5 °C above 8 °C',
    peakValue: 11.5,
    ...overrides,
  };
}

const event = (transition: AlertEvent['transition'], a: FeedAlert): AlertEvent => ({
  transition,
  at: a.startedAt,
  alert: a,
});

describe('the alert feed resyncs on every (re)connect: nothing stale survives, nothing new is lost', () => {
  it('a snapshot after a backend restart drops alerts the backend no longer knows (no ghosts)', () => {
    const feed = new AlertFeed();
    feed.apply(event('RAISED', alert('A-1')));
    feed.apply(event('RAISED', alert('A-2', { container: { code: 'FRG-LON-01' } })));
    feed.beginResync();
    feed.completeResync([alert('A-3')]);
    expect(feed.sorted().map((card) => card.alert.id)).toEqual(['A-3']);
    expect(feed.activeFor('BOX-0002').map((a) => a.id)).toEqual(['A-3']);
    expect(feed.activeFor('FRG-LON-01')).toEqual([]);
  });

  it('an event that arrives while the snapshot is in flight is replayed on top of it', () => {
    const feed = new AlertFeed();
    feed.beginResync();
    feed.apply(event('CLEARED', alert('A-1', { state: 'CLEARED_UNACKNOWLEDGED', endedAt: '2025-10-13T10:09:00Z' })));
    feed.apply(event('RAISED', alert('A-4')));
    feed.completeResync([alert('A-1')]);
    expect(feed.get('A-1')?.alert.state).toBe('CLEARED_UNACKNOWLEDGED');
    expect(feed.get('A-4')?.transition).toBe('RAISED');
  });

  it('a failed snapshot keeps what the feed had', () => {
    const feed = new AlertFeed();
    feed.apply(event('RAISED', alert('A-1')));
    feed.beginResync();
    feed.abandonResync();
    expect(feed.get('A-1')).toBeDefined();
  });

  it('puts the to-do list on top: unacknowledged critical first, withdrawn last', () => {
    const feed = new AlertFeed();
    feed.completeResync([
      alert('ack', { state: 'ACTIVE_ACKNOWLEDGED' }),
      alert('warn'),
      alert('crit', { severity: 'CRITICAL' }),
    ]);
    feed.apply(event('WITHDRAWN', alert('gone')));
    expect(feed.sorted().map((card) => card.alert.id)).toEqual(['crit', 'warn', 'ack', 'gone']);
  });
});

describe('a container’s status', () => {
  const profile = { minTempC: 2, maxTempC: 8, staleAfterSeconds: 900 };
  const now = Date.parse('2025-10-13T10:00:00Z');
  const live = (temperatureC: number, minutesAgo = 0) => ({
    temperatureC,
    at: new Date(now - minutesAgo * 60_000).toISOString(),
    stale: false,
  });

  it('is offline when silent past the profile’s staleAfterSeconds, whatever the last temperature', () => {
    expect(containerStatus({ live: live(11, 16), profile, activeAlerts: [] }, now)).toBe('offline');
    expect(containerStatus({ live: live(5), profile, activeAlerts: [{ kind: 'SENSOR_OFFLINE' }] }, now)).toBe(
      'offline',
    );
  });

  it('is an excursion when out of range or under an active alert, in range otherwise, no data before any reading', () => {
    expect(containerStatus({ live: live(9), profile, activeAlerts: [] }, now)).toBe('excursion');
    expect(containerStatus({ live: live(5), profile, activeAlerts: [{ kind: 'TEMPERATURE_HIGH' }] }, now)).toBe(
      'excursion',
    );
    expect(containerStatus({ live: live(5), profile, activeAlerts: [] }, now)).toBe('in-range');
    expect(containerStatus({ live: null, profile, activeAlerts: [] }, now)).toBe('no-data');
  });
});
