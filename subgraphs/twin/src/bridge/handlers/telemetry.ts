import type { TwinReading } from '../../store/index.ts';
import type { IngestContext } from '../ingest/createGroupCommit.ts';
import type { DeviceTopic } from '../validation/index.ts';

/**
 * `{prefix}/telemetry/{box|sample}/{code}`: readings (a batch in event-time order, so live state moves once per
 * reading), queued before this returns so the entity's readings keep the messages' arrival order.
 */
export function handleTelemetry(context: IngestContext, topic: DeviceTopic, readings: TwinReading[]): Promise<unknown> {
  const entity = { entityType: topic.entityType, code: topic.code };
  if (readings.length === 1) return context.ingest(entity, readings[0] as TwinReading);
  return Promise.all([...readings].sort((a, b) => a.at - b.at).map((reading) => context.ingest(entity, reading)));
}
