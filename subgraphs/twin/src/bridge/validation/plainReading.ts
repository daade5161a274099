import {
  geolocationPattern,
  type ReadingPayload,
  readingBounds,
  readingRules,
  timestampSchema,
} from './readingPayload.ts';

const inRange = (value: unknown, range: { min: number; max: number }) =>
  typeof value === 'number' && value >= range.min && value <= range.max;
const absentOrNull = (value: unknown) => value === undefined || value === null;
const wholeFromZero = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * The common message judged without the schema: one reading object whose every known field is plainly valid (on the
 * hot path the schema cost more than the rest of validation). It accepts nothing the schema rejects (a property test
 * holds the two together); anything else, valid or not, is left to the schema, which also gives the reasons.
 */
export function plainReading(json: unknown): ReadingPayload | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const r = json as Record<string, unknown>;
  const { temperature, humidity, timestamp, ts, geolocation, lat, lng, status, seq } = r;
  const { statusLength } = readingBounds;
  const plain =
    (absentOrNull(temperature) || inRange(temperature, readingBounds.temperature)) &&
    (absentOrNull(humidity) || inRange(humidity, readingBounds.humidity)) &&
    (timestamp === undefined || (typeof timestamp === 'string' && timestampSchema.safeParse(timestamp).success)) &&
    (ts === undefined || wholeFromZero(ts)) &&
    (geolocation === undefined || (typeof geolocation === 'string' && geolocationPattern.test(geolocation))) &&
    (lat === undefined || inRange(lat, readingBounds.lat)) &&
    (lng === undefined || inRange(lng, readingBounds.lng)) &&
    (status === undefined ||
      (typeof status === 'string' && status.length >= statusLength.min && status.length <= statusLength.max)) &&
    (seq === undefined || wholeFromZero(seq)) &&
    readingRules.carries(r) &&
    readingRules.latWithLng(r) &&
    readingRules.oneTime(r) &&
    readingRules.onePosition(r);
  return plain ? (r as ReadingPayload) : null;
}
