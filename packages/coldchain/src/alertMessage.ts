import type { AlertKind, Severity } from './types.ts';

const what: Record<AlertKind, string> = {
  TEMPERATURE_HIGH: 'Temperature above range',
  TEMPERATURE_LOW: 'Temperature below range',
  HUMIDITY_HIGH: 'Humidity above range',
  HUMIDITY_LOW: 'Humidity below range',
  SENSOR_OFFLINE: 'Sensor silent for longer than allowed',
};

/** An alert record's message, derived from the record alone so it never depends on which event arrived last. */
export function alertMessage(kind: AlertKind, severity: Severity, peakValue: number | null): string {
  const peak = peakValue === null ? '' : ` (peak ${peakValue} ${kind.startsWith('HUMIDITY') ? '%' : '°C'})`;
  return `${what[kind]}${peak}${severity === 'CRITICAL' ? ', critical' : ''}`;
}
