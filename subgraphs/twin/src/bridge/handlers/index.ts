import type { IngestContext } from '../ingest/createGroupCommit.ts';
import { validateMessage } from '../validation/index.ts';
import { handleTelemetry } from './telemetry.ts';
import { handleUpdates } from './updates.ts';

const handlers = { telemetry: handleTelemetry, updates: handleUpdates } as const;

/** Judges one MQTT message and hands it to its topic family's handler, or dead-letters it with the reason. */
export async function handleDeviceMessage(
  context: IngestContext,
  topicPrefix: string,
  topic: string,
  payload: Uint8Array,
  receivedAt: number,
): Promise<void> {
  const message = validateMessage(topic, payload, receivedAt, topicPrefix);
  if (!message.ok) {
    await context.store.recordRejection({ reason: message.reason, detail: message.detail, topic, receivedAt }, payload);
    return;
  }
  await handlers[message.topic.family](context, message.topic, message.readings);
}
