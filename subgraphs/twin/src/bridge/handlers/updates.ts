import type { TwinReading } from '../../store/index.ts';
import type { IngestContext } from '../ingest/createGroupCommit.ts';
import type { DeviceTopic } from '../validation/index.ts';
import { handleTelemetry } from './telemetry.ts';

/**
 * `{prefix}/updates/{box|sample}/{code}`: the original's update messages, readings that may carry a `status`; the
 * status travels with the reading into history and live state, so a status change obeys the same ordering rules.
 */
export function handleUpdates(context: IngestContext, topic: DeviceTopic, readings: TwinReading[]): Promise<unknown> {
  return handleTelemetry(context, topic, readings);
}
