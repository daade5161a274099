import { cities } from './cities.ts';
import { greatCircle } from './greatCircle.ts';
import type { Placement, Position } from './virtualSensor.ts';

const minute = 60_000;

/** Where a sensor is and what it reports as status, `elapsedMs` after the simulation began. */
export function positionAt(placement: Placement, elapsedMs: number): Position {
  if (placement.kind === 'site') return { location: cities[placement.city], status: placement.status };
  const { stops, legMinutes, dwellMinutes } = placement;
  const legMs = (legMinutes + dwellMinutes) * minute;
  const loopMs = legMs * stops.length;
  const inLoop = ((elapsedMs % loopMs) + loopMs) % loopMs;
  const leg = Math.floor(inLoop / legMs);
  const intoLeg = inLoop - leg * legMs;
  const from = cities[stops[leg]!];
  const to = cities[stops[(leg + 1) % stops.length]!];
  const travelMs = legMinutes * minute;
  if (intoLeg >= travelMs) return { location: to, status: 'idle' };
  return { location: greatCircle(from, to, intoLeg / travelMs), status: 'in_transit' };
}
