import type { GeoPoint } from '../fleet/cities.ts';
import type { EntityType, VirtualSensor } from '../fleet/virtualSensor.ts';
import type { Scenario } from '../scenarios/scenario.ts';

/** Everything that decides what the fleet publishes: tick n happens at originMs + n·intervalMs. */
export interface Plan {
  fleet: readonly VirtualSensor[];
  scenario: Scenario;
  originMs: number;
  intervalMs: number;
}

export interface SensorReading {
  code: string;
  entity: EntityType;
  /** Event time, epoch milliseconds. */
  atMs: number;
  /** Per-sensor sequence number of live readings: the tick it belongs to, from 1; null for back-filled history. */
  seq: number | null;
  temperatureC: number;
  humidityPct: number | null;
  location: GeoPoint;
  status: string;
}

/** The original's JSON payload, plus `seq`. */
export interface TelemetryPayload {
  temperature: number;
  humidity?: number;
  timestamp: string;
  geolocation: string;
  status: string;
  seq?: number;
}

/** One MQTT publish: the topic without any test prefix, and a payload or a batch of them. */
export interface Emission {
  topic: string;
  payload: TelemetryPayload | TelemetryPayload[];
}
