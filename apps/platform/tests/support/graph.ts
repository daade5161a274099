import { connectAsync } from 'mqtt';
import type { Platform } from '../../src/index.ts';

export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function query<T>(platform: Platform, text: string, token?: string): Promise<GraphQLResponse<T>> {
  const response = await fetch(platform.urls.graph, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: text }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

/** Publishes one reading as the container's sensor would: the original's topic and JSON, QoS 1. */
export async function publishReading(
  platform: Platform,
  code: string,
  reading: Record<string, unknown>,
): Promise<void> {
  const device = await connectAsync(platform.urls.mqtt, { reconnectPeriod: 0 });
  try {
    await device.publishAsync(`${platform.mqttTopicRoot}/telemetry/box/${code}`, JSON.stringify(reading), { qos: 1 });
  } finally {
    await device.endAsync();
  }
}

/** Polls until `probe` returns a value; fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
