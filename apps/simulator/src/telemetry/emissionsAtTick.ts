import type { VirtualSensor } from '../fleet/virtualSensor.ts';
import { activeFaults } from '../scenarios/scenario.ts';
import type { Emission, Plan } from './plan.ts';
import { measuredAt, readingAt } from './readingAt.ts';
import { toPayload } from './toPayload.ts';

/** Readings per uploaded batch message: well under the bridge's 64 KiB and 1000-reading limits, whatever the interval. */
export const maxBatchReadings = 100;

/** Everything the fleet publishes at `tick`, in order: late batches, then readings, then duplicates. */
export function emissionsAtTick(plan: Plan, tick: number): Emission[] {
  return plan.fleet.flatMap((sensor) => sensorEmissions(plan, sensor, tick));
}

function sensorEmissions(plan: Plan, sensor: VirtualSensor, tick: number): Emission[] {
  const emissions: Emission[] = [];
  const withheld = withheldBatch(plan, sensor, tick);
  for (let start = 0; start < withheld.length; start += maxBatchReadings) {
    const batch = withheld.slice(start, start + maxBatchReadings);
    emissions.push({
      topic: topic('telemetry', sensor),
      payload: batch.map((t) => toPayload(measuredAt(plan, sensor, t))),
    });
  }
  const reading = readingAt(plan, sensor, tick);
  if (!reading) return emissions;
  const previous = tick > 0 ? measuredAt(plan, sensor, tick - 1) : null;
  const family = previous && previous.status !== reading.status ? 'updates' : 'telemetry';
  const emission: Emission = { topic: topic(family, sensor), payload: toPayload(reading) };
  emissions.push(emission);
  const duplicates = plan.scenario.faults.find((fault) => fault.kind === 'duplicates' && fault.code === sensor.code);
  if (duplicates?.kind === 'duplicates' && (reading.seq ?? 0) % duplicates.every === 0) emissions.push(emission);
  return emissions;
}

/** When a late-batch window has just ended, the ticks it withheld (oldest first); else none. */
function withheldBatch(plan: Plan, sensor: VirtualSensor, tick: number): number[] {
  const lateAt = (t: number) =>
    t >= 0 &&
    activeFaults(plan.scenario, sensor.code, t * plan.intervalMs).some((fault) => fault.kind === 'late-batch');
  if (lateAt(tick) || !lateAt(tick - 1)) return [];
  const withheld: number[] = [];
  for (let t = tick - 1; lateAt(t); t--) withheld.unshift(t);
  return withheld;
}

function topic(family: 'telemetry' | 'updates', sensor: VirtualSensor): string {
  return `bio_supply/${family}/${sensor.entity}/${sensor.code}`;
}
