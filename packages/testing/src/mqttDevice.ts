import mqtt, { type MqttClient } from 'mqtt';
import { services } from './services.ts';
import { uniqueName } from './uniqueName.ts';

/** A topic root no parallel suite publishes under on the real Mosquitto. */
export function uniqueTopicPrefix(label: string): string {
  return uniqueName(label);
}

/** An MQTT client acting as a device (or a plain subscriber) on the real broker (or the one at `url`); `endAsync()` when done. */
export async function connectMqttDevice(
  options: mqtt.IClientOptions = {},
  url: string = services.mqttUrl,
): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: uniqueName('device'), reconnectPeriod: 0, ...options });
}

/**
 * A persistent QoS 1 session (the bridge's kind) on the broker at `url`, calling `onPayload` for every message. It
 * listens before the CONNACK: a resumed session's queue starts flowing with it, before `connectAsync` would resolve.
 */
export async function connectPersistentSubscriber(
  url: string,
  clientId: string,
  topic: string,
  onPayload: (payload: string) => void,
): Promise<MqttClient> {
  const client = mqtt.connect(url, { clientId, clean: false, reconnectPeriod: 200, log: () => {} });
  client.on('message', (_topic, payload) => onPayload(payload.toString()));
  client.on('error', () => {});
  await new Promise((resolve) => client.once('connect', resolve));
  await client.subscribeAsync(topic, { qos: 1 });
  return client;
}
