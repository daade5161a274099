import type { City, GeoPoint } from './cities.ts';

/** The original's topic families: a sensor is on a container (box) or on one sample. */
export type EntityType = 'box' | 'sample';

/** Where a sensor sits: at a site (freezers, racks, idle boxes) or on a looping city-to-city route. */
export type Placement =
  | { kind: 'site'; city: City; status: string }
  | {
      kind: 'route';
      /** Visited in order, then back to the first. */
      stops: readonly City[];
      legMinutes: number;
      /** Time spent at each stop before the next leg, reported as status `idle`. */
      dwellMinutes: number;
    };

export interface Thermal {
  /** What the sensor reads when nothing is wrong. */
  setpointC: number;
  /** Normal variation either side of the setpoint; stays inside the storage range. */
  swingC: number;
  /** The storage profile's range the faults push readings out of; cryogenic has no minimum. */
  minC: number | null;
  maxC: number;
  /** Where a failed freezer drifts to. */
  ambientC: number;
}

export interface VirtualSensor {
  code: string;
  entity: EntityType;
  /** The core storage profile name the container is bound to (documentation for the demo seed). */
  profile: string;
  placement: Placement;
  thermal: Thermal;
  /** Relative humidity setpoint and swing; null for sensors that do not measure it. */
  humidity: { setpointPct: number; swingPct: number } | null;
}

export interface Position {
  location: GeoPoint;
  status: string;
}
