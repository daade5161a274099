import type { MqttClient } from 'mqtt';

/**
 * Publishes QoS 1 messages keeping at most `ahead` (800) of them ahead of the consumer (Mosquitto drops beyond its
 * 1000-message queue); resolves with messages per second once the consumer has taken all of them.
 */
export async function publishWithBackpressure(
  publisher: MqttClient,
  messages: readonly { topic: string; body: string }[],
  consumed: () => number,
  ahead = 800,
): Promise<number> {
  const start = consumed();
  const started = performance.now();
  for (let i = 0; i < messages.length; i += 100) {
    while (i - (consumed() - start) > ahead) await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(messages.slice(i, i + 100).map((m) => publisher.publishAsync(m.topic, m.body, { qos: 1 })));
  }
  while (consumed() - start < messages.length) await new Promise((resolve) => setTimeout(resolve, 1));
  return (messages.length / (performance.now() - started)) * 1000;
}
