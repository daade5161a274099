import type { SensorReading, TelemetryPayload } from './plan.ts';

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** A reading in the original's wire format: °C, % RH, ISO timestamp, "lat,lng". */
export function toPayload(reading: SensorReading): TelemetryPayload {
  return {
    temperature: round(reading.temperatureC, 2),
    ...(reading.humidityPct === null ? {} : { humidity: round(reading.humidityPct, 1) }),
    timestamp: new Date(reading.atMs).toISOString(),
    geolocation: `${reading.location.lat.toFixed(4)},${reading.location.lng.toFixed(4)}`,
    status: reading.status,
    ...(reading.seq === null ? {} : { seq: reading.seq }),
  };
}
