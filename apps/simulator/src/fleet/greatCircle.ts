import type { GeoPoint } from './cities.ts';

const toRadians = (degrees: number) => (degrees * Math.PI) / 180;
const toDegrees = (radians: number) => (radians * 180) / Math.PI;

/** The point a fraction `f` (0..1) of the way from `from` to `to` along the great circle. */
export function greatCircle(from: GeoPoint, to: GeoPoint, f: number): GeoPoint {
  const lat1 = toRadians(from.lat);
  const lng1 = toRadians(from.lng);
  const lat2 = toRadians(to.lat);
  const lng2 = toRadians(to.lng);
  const angle =
    2 *
    Math.asin(
      Math.sqrt(Math.sin((lat2 - lat1) / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin((lng2 - lng1) / 2) ** 2),
    );
  // Coincident points: the sine below would divide by zero.
  if (angle < 1e-12) return { lat: from.lat, lng: from.lng };
  const a = Math.sin((1 - f) * angle) / Math.sin(angle);
  const b = Math.sin(f * angle) / Math.sin(angle);
  const x = a * Math.cos(lat1) * Math.cos(lng1) + b * Math.cos(lat2) * Math.cos(lng2);
  const y = a * Math.cos(lat1) * Math.sin(lng1) + b * Math.cos(lat2) * Math.sin(lng2);
  const z = a * Math.sin(lat1) + b * Math.sin(lat2);
  return { lat: toDegrees(Math.atan2(z, Math.sqrt(x * x + y * y))), lng: toDegrees(Math.atan2(y, x)) };
}
