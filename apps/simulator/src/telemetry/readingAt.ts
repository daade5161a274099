import { noise } from '../fleet/noise.ts';
import { positionAt } from '../fleet/positionAt.ts';
import type { VirtualSensor } from '../fleet/virtualSensor.ts';
import { activeFaults, intoFaultMs, type Scenario } from '../scenarios/scenario.ts';
import type { Plan, SensorReading } from './plan.ts';

const minute = 60_000;
/** The noise advances one step per 5 s of event time, whatever the interval, so back-filled history looks like live data. */
const noiseStepMs = 5000;

/** What `sensor` measures at `tick`, faults included; null while a fault keeps it silent. */
export function readingAt(plan: Plan, sensor: VirtualSensor, tick: number): SensorReading | null {
  const elapsedMs = tick * plan.intervalMs;
  const faults = activeFaults(plan.scenario, sensor.code, elapsedMs);
  if (faults.some((fault) => fault.kind === 'silence' || fault.kind === 'late-batch')) return null;
  return measure(plan.scenario, sensor, tick >= 0 ? tick + 1 : null, elapsedMs, plan.originMs + elapsedMs, faults);
}

/** The measurement alone, ignoring silence: what a buffering sensor recorded while offline. */
export function measuredAt(plan: Plan, sensor: VirtualSensor, tick: number): SensorReading {
  const elapsedMs = tick * plan.intervalMs;
  return measure(
    plan.scenario,
    sensor,
    tick >= 0 ? tick + 1 : null,
    elapsedMs,
    plan.originMs + elapsedMs,
    activeFaults(plan.scenario, sensor.code, elapsedMs),
  );
}

function measure(
  scenario: Scenario,
  sensor: VirtualSensor,
  seq: number | null,
  elapsedMs: number,
  atMs: number,
  faults: ReturnType<typeof activeFaults>,
): SensorReading {
  const { thermal } = sensor;
  const step = elapsedMs / noiseStepMs;
  let temperatureC = thermal.setpointC + thermal.swingC * noise(sensor.code, step);
  let humidityBumpPct = 0;
  for (const fault of faults) {
    const into = intoFaultMs(scenario, fault, elapsedMs);
    if (fault.kind === 'door-open') {
      const shape = Math.sin((Math.PI * into) / (fault.forMinutes * minute));
      // Never below max + 0.5 while the door is open, so the whole window is an excursion.
      temperatureC = thermal.maxC + 0.5 + Math.max(0, fault.peakAboveMaxC - 0.5) * shape;
      humidityBumpPct = 10 * shape;
    } else if (fault.kind === 'freezer-failure') {
      temperatureC = Math.min(thermal.ambientC, temperatureC + (fault.riseCPerMinute * into) / minute);
    }
  }
  const humidityPct = sensor.humidity
    ? sensor.humidity.setpointPct + sensor.humidity.swingPct * noise(`${sensor.code}/rh`, step) + humidityBumpPct
    : null;
  const { location, status } = positionAt(sensor.placement, elapsedMs);
  return { code: sensor.code, entity: sensor.entity, atMs, seq, temperatureC, humidityPct, location, status };
}
