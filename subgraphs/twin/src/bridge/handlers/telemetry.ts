import type { TwinReading } from '../../store/index.ts';
import { type IngestContext, ingestReading } from '../ingest/ingestReading.ts';
import type { DeviceTopic } from '../validation/index.ts';

/** `{prefix}/telemetry/{box|sample}/{code}`: readings (a batch in event-time order, so live state moves once per reading). */
export async function handleTelemetry(
  context: IngestContext,
  topic: DeviceTopic,
  readings: TwinReading[],
): Promise<void> {
  const entity = { entityType: topic.entityType, code: topic.code };
  for (const reading of [...readings].sort((a, b) => a.at - b.at)) await ingestReading(context, entity, reading);
}
