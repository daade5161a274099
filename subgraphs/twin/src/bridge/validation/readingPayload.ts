import { z } from 'zod';

/** "lat,lng" with lat in [-90, 90] and lng in [-180, 180]; the same pattern is in schema/asyncapi.yaml. */
export const geolocationPattern =
  /^\s*-?(?:90(?:\.0+)?|[1-8]?\d(?:\.\d+)?)\s*,\s*-?(?:180(?:\.0+)?|(?:1[0-7]\d|[1-9]?\d)(?:\.\d+)?)\s*$/;

/** The largest MQTT message the bridge accepts (bytes); larger ones are dead-lettered unparsed. */
export const maxPayloadBytes = 64 * 1024;
/** Readings in one batch message (a device uploading after a gap). */
export const maxBatchReadings = 1000;
/** Event times further ahead of the bridge's clock than this are rejected as a broken device clock. */
export const maxFutureSkewMs = 5 * 60 * 1000;
/** Event times older than this before receipt are rejected (`ts: 0`, year 0001: a reset clock); a setting. */
export const defaultMaxEventAgeMs = 365 * 24 * 3600_000;

/** What makes a reading worth storing: a measurement, a position or a status (a null is no value). */
export const carriedKeys = ['temperature', 'humidity', 'geolocation', 'lat', 'status'] as const;
export const noMeasurement = 'a reading carries no measurement, location or status';

/** The ranges of a reading's fields (inclusive), for the schema and the hand-written check of `plainReading`. */
export const readingBounds = {
  temperature: { min: -273.15, max: 1000 },
  humidity: { min: 0, max: 100 },
  lat: { min: -90, max: 90 },
  lng: { min: -180, max: 180 },
  statusLength: { min: 1, max: 64 },
} as const;

const { temperature, humidity, lat, lng, statusLength } = readingBounds;

/** An ISO 8601 date-time with its zone. */
export const timestampSchema = z.iso.datetime({ offset: true });

/** The rules across fields, one statement each (the schema refines with them; `plainReading` calls them). */
export const readingRules = {
  carries: (r: Partial<Record<(typeof carriedKeys)[number], unknown>>) =>
    carriedKeys.some((key) => r[key] !== undefined && r[key] !== null),
  latWithLng: (r: { lat?: unknown; lng?: unknown }) => (r.lat === undefined) === (r.lng === undefined),
  oneTime: (r: { timestamp?: unknown; ts?: unknown }) => !(r.timestamp !== undefined && r.ts !== undefined),
  onePosition: (r: { geolocation?: unknown; lat?: unknown }) => !(r.geolocation !== undefined && r.lat !== undefined),
};

/** One device reading as published on the original's topics. Unknown extra fields are ignored. */
export const readingPayloadSchema = z
  .object({
    temperature: z.number().min(temperature.min).max(temperature.max).nullable().optional(),
    humidity: z.number().min(humidity.min).max(humidity.max).nullable().optional(),
    timestamp: timestampSchema.optional(),
    ts: z.number().int().min(0).optional(),
    geolocation: z.string().regex(geolocationPattern, 'geolocation must be "lat,lng" within range').optional(),
    lat: z.number().min(lat.min).max(lat.max).optional(),
    lng: z.number().min(lng.min).max(lng.max).optional(),
    status: z.string().min(statusLength.min).max(statusLength.max).optional(),
    seq: z.number().int().min(0).optional(),
  })
  .refine(readingRules.carries, { message: noMeasurement, params: { reason: 'no_measurement' } })
  .refine(readingRules.latWithLng, 'lat and lng come together')
  .refine(readingRules.oneTime, 'give timestamp or ts, not both')
  .refine(readingRules.onePosition, 'give geolocation or lat/lng, not both');

/** A message is one reading or a batch (JSON array) of readings. */
export const messagePayloadSchema = z.union([
  readingPayloadSchema,
  z.array(readingPayloadSchema).min(1).max(maxBatchReadings),
]);

export type ReadingPayload = z.infer<typeof readingPayloadSchema>;
