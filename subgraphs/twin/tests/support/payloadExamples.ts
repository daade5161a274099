/** Payloads a device might send, with the verdict the bridge must give (shared by the validator and AsyncAPI tests). */
export const validPayloads: Record<string, unknown> = {
  "the original's message": {
    temperature: 4.2,
    humidity: 55.0,
    timestamp: '2025-10-13T10:30:00Z',
    geolocation: '52.5200,13.4050',
    status: 'in_transit',
  },
  'a timestamp with an offset': { temperature: 4.2, timestamp: '2025-10-13T12:30:00+02:00' },
  'epoch milliseconds': { temperature: 4.2, ts: 1760351400000 },
  'lat and lng numbers': { temperature: 4.2, lat: -33.86, lng: 151.2 },
  'temperature only, no time': { temperature: -80.5 },
  'a missing humidity': { temperature: 4.2, humidity: null },
  'a status change only': { status: 'idle' },
  'a sequence number': { temperature: 4.2, seq: 17 },
  'fields the bridge does not know': { temperature: 4.2, battery: 88 },
  'a batch': [
    { temperature: 4.1, ts: 1760351400000 },
    { temperature: 4.3, ts: 1760351460000 },
  ],
  'the edges of the ranges': { humidity: 100, geolocation: '-90,180' },
};

/** Well-formed, but nothing to store: dead-lettered as `no_measurement`. */
export const emptyPayloads: Record<string, unknown> = {
  'no field at all': {},
  'nulls only': { temperature: null, humidity: null },
  'a time and a sequence number only': { ts: 1760351400000, seq: 3 },
  'a batch with one empty reading': [{ temperature: 4 }, { temperature: null }],
};

export const invalidPayloads: Record<string, unknown> = {
  'a temperature as text': { temperature: '4.2' },
  'a temperature as boolean': { temperature: true },
  'humidity above 100': { humidity: 101 },
  'humidity below 0': { humidity: -1 },
  'latitude out of range in geolocation': { temperature: 4, geolocation: '91,0' },
  'longitude out of range in geolocation': { temperature: 4, geolocation: '0,181' },
  'geolocation that is not lat,lng': { temperature: 4, geolocation: 'Berlin' },
  'latitude out of range': { temperature: 4, lat: 100, lng: 0 },
  'longitude out of range': { temperature: 4, lat: 0, lng: -200 },
  'lat without lng': { temperature: 4, lat: 10 },
  'a timestamp without zone': { temperature: 4, timestamp: '2025-10-13T10:30:00' },
  'a timestamp that is no date': { temperature: 4, timestamp: 'yesterday' },
  'negative epoch': { temperature: 4, ts: -5 },
  'fractional epoch': { temperature: 4, ts: 1.5 },
  'both timestamp and ts': { temperature: 4, timestamp: '2025-10-13T10:30:00Z', ts: 1760351400000 },
  'both geolocation and lat/lng': { temperature: 4, geolocation: '1,2', lat: 1, lng: 2 },
  'below absolute zero': { temperature: -300 },
  'an empty batch': [],
  'a batch with one bad reading': [{ temperature: 4 }, { humidity: 150 }],
  'JSON null': null,
  'a JSON string': 'hello',
  'a JSON number': 42,
  'an empty status': { status: '' },
};
