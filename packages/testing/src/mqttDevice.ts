import mqtt, { type MqttClient } from 'mqtt';
import { services } from './services.ts';
import { uniqueName } from './uniqueName.ts';

/** A topic root no parallel suite publishes under on the real Mosquitto. */
export function uniqueTopicPrefix(label: string): string {
  return uniqueName(label);
}

/** An MQTT client acting as a device (or a plain subscriber) on the real broker; `endAsync()` when done. */
export async function connectMqttDevice(options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(services.mqttUrl, { clientId: uniqueName('device'), reconnectPeriod: 0, ...options });
}
