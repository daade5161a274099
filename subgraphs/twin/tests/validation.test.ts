import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultMaxEventAgeMs,
  maxPayloadBytes,
  parseDeviceTopic,
  readingPayloadSchema,
  validateMessage,
} from '../src/bridge/validation/index.ts';
import { plainReading } from '../src/bridge/validation/plainReading.ts';
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

  it('reads a position written with spaces and signs', () => {
    for (const [geolocation, lat, lng] of [
      [' -33.8688 , 151.2093 ', -33.8688, 151.2093],
      ['-90,-180', -90, -180],
      ['0,0', 0, 0],
    ] as const) {
      const verdict = validateMessage(
        topic,
        bytes(JSON.stringify({ temperature: 5, geolocation })),
        receivedAt,
        'bio_supply',
      );
      expect(verdict).toMatchObject({ ok: true, readings: [{ lat, lng }] });
    }
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

  it('judges a topic by its prefix every time, though each topic is parsed once', () => {
    const other = 'fleet_b/telemetry/box/BOX-0001';
    for (let round = 0; round < 2; round++) {
      expect(parseDeviceTopic(topic, 'bio_supply')).toEqual({
        family: 'telemetry',
        entityType: 'CONTAINER',
        code: 'BOX-0001',
      });
      expect(parseDeviceTopic(topic, 'fleet_b')).toBeNull();
      expect(parseDeviceTopic(other, 'fleet_b')).toMatchObject({ code: 'BOX-0001' });
      expect(parseDeviceTopic(other, 'bio_supply')).toBeNull();
    }
    expect(Object.isFrozen(parseDeviceTopic(topic, 'bio_supply'))).toBe(true);
  });

  it('judges the common message by hand only as the schema would: it accepts nothing the schema rejects', () => {
    const junk = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string(),
      fc.constant(null),
      fc.boolean(),
      fc.constant([1]),
      fc.constant({}),
    );
    /** Mostly values near the field's rules (inside, on and just past each edge), sometimes anything. */
    const near = (...values: unknown[]) => fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 4 }, junk);
    const measurement = (min: number, max: number) =>
      fc.oneof(
        fc.double({ min: min - 1, max: max + 1, noNaN: true }),
        near(min, max, null, -0, min - 1e-9, max + 1e-9),
      );
    const whole = fc.oneof(fc.integer({ min: -5, max: 2 ** 40 }), near(0, -1, 2 ** 53 - 1, 2 ** 53, 1.5));
    const fields = {
      temperature: measurement(-273.15, 1000),
      humidity: measurement(0, 100),
      timestamp: near('2025-10-13T10:30:00Z', '2025-10-13T12:30:00+02:00', '2025-13-01T00:00:00Z', '2025-10-13'),
      ts: whole,
      geolocation: near('52.5200,13.4050', '-90,180', ' 1 , 2 ', '91,0', '0,181', 'Berlin', ''),
      lat: measurement(-90, 90),
      lng: measurement(-180, 180),
      status: near('in_transit', 'x'.repeat(64), 'x'.repeat(65), '', '😀'.repeat(40)),
      seq: whole,
      battery: junk,
    };
    /** A valid reading (one time, one position at most), then one or two fields set to anything near their rules. */
    const valid = fc
      .record(
        {
          temperature: fc.double({ min: -273.15, max: 1000, noNaN: true }),
          humidity: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant(null)),
          time: fc.oneof(
            fc.constant({}),
            fc.constant({ ts: 1760351400000 }),
            fc.constant({ timestamp: '2025-10-13T10:30:00Z' }),
          ),
          position: fc.oneof(
            fc.constant({}),
            fc.constant({ geolocation: '52.52,13.4' }),
            fc.constant({ lat: 1, lng: 2 }),
          ),
          status: fc.constantFrom('in_transit', 'idle'),
        },
        { requiredKeys: ['time', 'position'] },
      )
      .map(({ time, position, ...rest }) => ({ ...rest, ...time, ...position }) as Record<string, unknown>);
    const key = fc.constantFrom(...(Object.keys(fields) as (keyof typeof fields)[]));
    const mutation = key.chain((k) => fc.tuple(fc.constant(k), fc.option(fields[k], { nil: undefined })));
    const payload = fc.oneof(
      fc.record(fields, { requiredKeys: [] }),
      fc.tuple(valid, fc.array(mutation, { maxLength: 2 })).map(([reading, changes]) => {
        for (const [k, v] of changes) reading[k] = v;
        return reading;
      }),
    );
    let plain = 0;
    fc.assert(
      fc.property(payload, (candidate) => {
        const json = JSON.parse(JSON.stringify(candidate)) as Record<string, unknown>;
        const accepted = plainReading(json);
        if (accepted === null) return;
        plain++;
        const parsed = readingPayloadSchema.safeParse(json);
        expect(parsed.success).toBe(true);
        for (const [key, field] of Object.entries(parsed.data ?? {}))
          expect(accepted[key as keyof typeof accepted]).toBe(field);
      }),
      { numRuns: 2000 },
    );
    expect(plain).toBeGreaterThan(50);
    for (const [name, example] of Object.entries(validPayloads)) {
      if (!Array.isArray(example))
        expect({ name, plain: plainReading(example) !== null }).toEqual({ name, plain: true });
    }
  });
});
