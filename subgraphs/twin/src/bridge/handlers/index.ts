import type { IngestContext } from '../ingest/createGroupCommit.ts';
import { type ValidationLimits, validateMessage } from '../validation/index.ts';
import { handleTelemetry } from './telemetry.ts';
import { handleUpdates } from './updates.ts';

const handlers = { telemetry: handleTelemetry, updates: handleUpdates } as const;

/**
 * Judges one MQTT message and hands it to its topic family's handler, or dead-letters it with the reason; settles once
 * it is stored. Not async: one promise per message is the handler's own.
 */
export function handleDeviceMessage(
  context: IngestContext,
  topicPrefix: string,
  topic: string,
  payload: Uint8Array,
  receivedAt: number,
  limits: ValidationLimits = {},
): Promise<unknown> {
  const message = validateMessage(topic, payload, receivedAt, topicPrefix, limits);
  if (!message.ok) {
    return context.store.recordRejection(
      { reason: message.reason, detail: message.detail, topic, receivedAt },
      payload,
    );
  }
  return handlers[message.topic.family](context, message.topic, message.readings);
}
