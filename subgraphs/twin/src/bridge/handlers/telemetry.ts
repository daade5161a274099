import type { TwinReading } from '../../store/index.ts';
import type { IngestContext } from '../ingest/createGroupCommit.ts';
import type { DeviceTopic } from '../validation/index.ts';

/**
 * `{prefix}/telemetry/{box|sample}/{code}`: readings (a batch in event-time order, so live state moves once per
 * reading), queued before the first await so the entity's readings keep the messages' arrival order.
 */
export async function handleTelemetry(
  context: IngestContext,
  topic: DeviceTopic,
  readings: TwinReading[],
): Promise<void> {
  const entity = { entityType: topic.entityType, code: topic.code };
  await Promise.all([...readings].sort((a, b) => a.at - b.at).map((reading) => context.ingest(entity, reading)));
}
