import { describe, expect, it } from 'vitest';
import { defaultMaxEventAgeMs, maxPayloadBytes, validateMessage } from '../src/bridge/validation/index.ts';
import { emptyPayloads, invalidPayloads, validPayloads } from './support/payloadExamples.ts';

const receivedAt = Date.parse('2025-10-13T10:31:00Z');
const topic = 'bio_supply/telemetry/box/BOX-0001';
const bytes = (text: string) => Buffer.from(text);

describe('validating device messages', () => {
  for (const [name, payload] of Object.entries(validPayloads)) {
    it(`accepts ${name}`, () => {
      const verdict = validateMessage(topic, bytes(JSON.stringify(payload)), receivedAt, 'bio_supply');
      expect(verdict).toMatchObject({ ok: true });
    });
  }

  for (const [name, payload] of Object.entries(invalidPayloads)) {
    it(`rejects ${name} as invalid_payload`, () => {
      const verdict = validateMessage(topic, bytes(JSON.stringify(payload)), receivedAt, 'bio_supply');
      expect(verdict).toMatchObject({ ok: false, reason: 'invalid_payload' });
    });
  }

  for (const [name, payload] of Object.entries(emptyPayloads)) {
    it(`rejects ${name} as no_measurement: nothing to store is not a reading`, () => {
      const verdict = validateMessage(topic, bytes(JSON.stringify(payload)), receivedAt, 'bio_supply');
      expect(verdict).toMatchObject({ ok: false, reason: 'no_measurement' });
    });
  }

  it('rejects event times older than the horizon as too_old: a reset clock (ts 0, year 0001), or older than set', () => {
    const judge = (payload: object, maxEventAgeMs?: number) =>
      validateMessage(
        topic,
        bytes(JSON.stringify(payload)),
        receivedAt,
        'bio_supply',
        maxEventAgeMs === undefined ? {} : { maxEventAgeMs },
      );
    expect(judge({ temperature: 4, ts: 0 })).toMatchObject({ ok: false, reason: 'too_old' });
    expect(judge({ temperature: 4, timestamp: '0001-01-01T00:00:00Z' })).toMatchObject({
      ok: false,
      reason: 'too_old',
    });
    expect(judge([{ temperature: 4 }, { temperature: 4, ts: 0 }])).toMatchObject({ ok: false, reason: 'too_old' });
    expect(judge({ temperature: 4, ts: receivedAt - defaultMaxEventAgeMs + 60_000 })).toMatchObject({ ok: true });
    expect(judge({ temperature: 4, ts: receivedAt - 2 * 3600_000 }, 3600_000)).toMatchObject({ reason: 'too_old' });
    expect(judge({ temperature: 4, ts: receivedAt - 30 * 60_000 }, 3600_000)).toMatchObject({ ok: true });
  });

  it("reads the original's message into event time, values and position", () => {
    const verdict = validateMessage(
      topic,
      bytes(JSON.stringify(validPayloads["the original's message"])),
      receivedAt,
      'bio_supply',
    );
    expect(verdict).toEqual({
      ok: true,
      topic: { family: 'telemetry', entityType: 'CONTAINER', code: 'BOX-0001' },
      readings: [
        {
          at: Date.parse('2025-10-13T10:30:00Z'),
          receivedAt,
          temperatureC: 4.2,
          humidityPct: 55,
          lat: 52.52,
          lng: 13.405,
          status: 'in_transit',
        },
      ],
    });
  });

  it('takes the receive time when a reading has no time', () => {
    const verdict = validateMessage(topic, bytes('{"temperature":5}'), receivedAt, 'bio_supply');
    expect(verdict.ok && verdict.readings[0]?.at).toBe(receivedAt);
  });

  it('rejects bad JSON, NaN, far-future times, oversize bodies and unknown topics with their reasons', () => {
    const judge = (t: string, body: string | Buffer) =>
      validateMessage(t, typeof body === 'string' ? bytes(body) : body, receivedAt, 'bio_supply');
    expect(judge(topic, '{"temperature": 4.2')).toMatchObject({ reason: 'bad_json' });
    expect(judge(topic, '{"temperature": NaN}')).toMatchObject({ reason: 'bad_json' });
    expect(judge(topic, `{"temperature": 4, "ts": ${receivedAt + 6 * 60_000}}`)).toMatchObject({
      reason: 'future_time',
    });
    expect(judge(topic, `{"temperature": 4, "ts": ${receivedAt + 4 * 60_000}}`)).toMatchObject({ ok: true });
    expect(judge(topic, Buffer.alloc(maxPayloadBytes + 1, 0x20))).toMatchObject({ reason: 'oversize' });
    for (const wrong of [
      'bio_supply/telemetry/crate/BOX-0001',
      'bio_supply/telemetry/box',
      'bio_supply/telemetry/box/BOX-0001/extra',
      'bio_supply/commands/box/BOX-0001',
      'bio_supply/telemetry/box/',
      'other/telemetry/box/BOX-0001',
    ]) {
      expect(judge(wrong, '{"temperature":4}')).toMatchObject({ reason: 'unknown_topic' });
    }
    expect(judge('bio_supply/updates/sample/SAMPLE-0001', '{"status":"stored"}')).toMatchObject({
      ok: true,
      topic: { family: 'updates', entityType: 'SAMPLE', code: 'SAMPLE-0001' },
    });
  });
});
