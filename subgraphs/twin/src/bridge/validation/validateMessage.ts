import { z } from 'zod';
import type { TwinReading } from '../../store/TwinStore.ts';
import { plainReading } from './plainReading.ts';
import {
  defaultMaxEventAgeMs,
  maxFutureSkewMs,
  maxPayloadBytes,
  messagePayloadSchema,
  type ReadingPayload,
} from './readingPayload.ts';
import { type DeviceTopic, parseDeviceTopic } from './topic.ts';

/** A reading as the bridge trusts it after validation: the store's reading shape. */
export type DeviceReading = TwinReading;

/** Every dead letter's reason; the same list is in schema/asyncapi.yaml and the DeadLetter type's description. */
export type RejectionReason =
  | 'unknown_topic'
  | 'oversize'
  | 'bad_json'
  | 'invalid_payload'
  | 'no_measurement'
  | 'future_time'
  | 'too_old';

export interface ValidationLimits {
  /** Event times older than this before receipt are rejected as `too_old` (default a year). */
  maxEventAgeMs?: number;
}

export type ValidatedMessage =
  | { ok: true; topic: DeviceTopic; readings: DeviceReading[] }
  | { ok: false; reason: RejectionReason; detail: string };

function reject(reason: RejectionReason, detail: string): ValidatedMessage {
  return { ok: false, reason, detail };
}

function toDeviceReading(payload: ReadingPayload, receivedAt: number): DeviceReading {
  const at = payload.timestamp !== undefined ? Date.parse(payload.timestamp) : (payload.ts ?? receivedAt);
  const reading: DeviceReading = {
    at,
    receivedAt,
    temperatureC: payload.temperature ?? null,
    humidityPct: payload.humidity ?? null,
  };
  if (payload.geolocation !== undefined) {
    // The pattern let through "lat,lng" with optional spaces, which Number() ignores; no arrays per message.
    const comma = payload.geolocation.indexOf(',');
    reading.lat = Number(payload.geolocation.slice(0, comma));
    reading.lng = Number(payload.geolocation.slice(comma + 1));
  } else if (payload.lat !== undefined && payload.lng !== undefined) {
    reading.lat = payload.lat;
    reading.lng = payload.lng;
  }
  if (payload.status !== undefined) reading.status = payload.status;
  if (payload.seq !== undefined) reading.seq = payload.seq;
  return reading;
}

/** The one place where an MQTT message is judged: topic shape, size, JSON, payload schema, clock skew, age. */
export function validateMessage(
  topic: string,
  payload: Uint8Array,
  receivedAt: number,
  prefix: string,
  limits: ValidationLimits = {},
): ValidatedMessage {
  const deviceTopic = parseDeviceTopic(topic, prefix);
  if (!deviceTopic)
    return reject(
      'unknown_topic',
      `topic "${topic.slice(0, 200)}" is not ${prefix}/{telemetry|updates}/{box|sample}/{code}`,
    );
  if (payload.byteLength > maxPayloadBytes)
    return reject('oversize', `${payload.byteLength} bytes > ${maxPayloadBytes}`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (error) {
    return reject('bad_json', error instanceof Error ? error.message : String(error));
  }
  let readings: DeviceReading[];
  const plain = plainReading(json);
  if (plain) readings = [toDeviceReading(plain, receivedAt)];
  else {
    const parsed = messagePayloadSchema.safeParse(json);
    if (!parsed.success) {
      const detail = z.prettifyError(parsed.error).slice(0, 500);
      // Well-formed but empty (`{"temperature": null, "humidity": null}`): nothing to store, said apart.
      const empty = parsed.error.issues.every(
        (issue) => issue.code === 'custom' && issue.params?.reason === 'no_measurement',
      );
      return reject(empty ? 'no_measurement' : 'invalid_payload', detail);
    }
    const payloads = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    readings = payloads.map((p) => toDeviceReading(p, receivedAt));
  }
  const maxAgeMs = limits.maxEventAgeMs ?? defaultMaxEventAgeMs;
  let future: DeviceReading | undefined;
  let old: DeviceReading | undefined;
  for (const reading of readings) {
    if (!future && reading.at > receivedAt + maxFutureSkewMs) future = reading;
    if (!old && reading.at < receivedAt - maxAgeMs) old = reading;
  }
  if (future) return reject('future_time', `event time ${new Date(future.at).toISOString()} is more than 5 min ahead`);
  if (old) {
    const days = Math.round(maxAgeMs / (24 * 3600_000));
    return reject(
      'too_old',
      `event time ${new Date(old.at).toISOString()} is more than ${days} days before its receipt`,
    );
  }
  return { ok: true, topic: deviceTopic, readings };
}
