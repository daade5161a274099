export interface GeoPoint {
  lat: number;
  lng: number;
}

/** The original route simulator's cities, plus a few more biobank hubs. */
export const cities = {
  Berlin: { lat: 52.52, lng: 13.405 },
  London: { lat: 51.5074, lng: -0.1278 },
  Paris: { lat: 48.8566, lng: 2.3522 },
  Amsterdam: { lat: 52.3676, lng: 4.9041 },
  Madrid: { lat: 40.4168, lng: -3.7038 },
  Rome: { lat: 41.9028, lng: 12.4964 },
  Vienna: { lat: 48.2082, lng: 16.3738 },
  Warsaw: { lat: 52.2297, lng: 21.0122 },
  Zurich: { lat: 47.3769, lng: 8.5417 },
  Copenhagen: { lat: 55.6761, lng: 12.5683 },
} as const satisfies Record<string, GeoPoint>;

export type City = keyof typeof cities;
