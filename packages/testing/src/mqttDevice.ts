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
