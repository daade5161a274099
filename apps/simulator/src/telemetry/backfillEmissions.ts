import { activeFaults } from '../scenarios/scenario.ts';
import { maxBatchReadings } from './emissionsAtTick.ts';
import type { Emission, Plan } from './plan.ts';
import { measuredAt } from './readingAt.ts';
import { toPayload } from './toPayload.ts';

export interface Backfill {
  /** How far back the history reaches before the plan's origin. */
  hours: number;
  /** Time between back-filled readings: a data logger's interval, coarser than live (default 30 s). */
  intervalMs?: number;
}

/**
 * The fleet's history before the plan's origin, as its sensors' loggers would upload it: per sensor, oldest first
 * (the twin derives alerts in event-time order; far-late readings only feed history), in batches of at most
 * `maxBatchReadings`, with the scenario's faults in it (silences are gaps, late batches are there since they were
 * uploaded since). The scenario's opening faults begin in this history, so the first alerts
 * follow from the product's own delays within a minute or two of the origin.
 */
export function backfillEmissions(plan: Plan, backfill: Backfill): Emission[] {
  const intervalMs = backfill.intervalMs ?? 30_000;
  const history: Plan = { ...plan, intervalMs };
  const firstTick = -Math.floor((backfill.hours * 3_600_000) / intervalMs);
  const emissions: Emission[] = [];
  for (const sensor of plan.fleet) {
    const ticks: number[] = [];
    for (let tick = firstTick; tick < 0; tick++) {
      const silent = activeFaults(plan.scenario, sensor.code, tick * intervalMs).some(
        (fault) => fault.kind === 'silence',
      );
      if (!silent) ticks.push(tick);
    }
    for (let start = 0; start < ticks.length; start += maxBatchReadings) {
      emissions.push({
        topic: `bio_supply/telemetry/${sensor.entity}/${sensor.code}`,
        payload: ticks
          .slice(start, start + maxBatchReadings)
          .map((tick) => toPayload(measuredAt(history, sensor, tick))),
      });
    }
  }
  return emissions;
}
