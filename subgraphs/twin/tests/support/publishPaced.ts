import type { MqttClient } from 'mqtt';

export interface OutgoingMessage {
  topic: string;
  body: string | Buffer;
}

/**
 * Publishes at QoS 1 while keeping at most `window` messages ahead of the consumer's progress: Mosquitto's default
 * `max_queued_messages 1000` drops what a slower subscriber has not taken yet, which would be the broker's loss, not ours.
 */
export async function publishPaced(
  client: MqttClient,
  messages: OutgoingMessage[],
  progress: () => number | Promise<number>,
  window = 500,
  chunk = 50,
): Promise<void> {
  for (let i = 0; i < messages.length; i += chunk) {
    while (i - (await progress()) > window) await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all(messages.slice(i, i + chunk).map((m) => client.publishAsync(m.topic, m.body, { qos: 1 })));
  }
}
