import type { VirtualSensor } from './virtualSensor.ts';

const refrigerated = { setpointC: 5, swingC: 1.5, minC: 2, maxC: 8, ambientC: 21 };
const humid = { setpointPct: 50, swingPct: 8 };

/** The demo fleet; codes and profiles match core's demo seed (BOX-0001 and BOX-0002 are the original's). */
export const demoFleet: readonly VirtualSensor[] = [
  {
    code: 'BOX-0001',
    entity: 'box',
    profile: 'Default SLA',
    placement: {
      kind: 'route',
      stops: ['Berlin', 'Paris', 'Madrid', 'Rome', 'Vienna'],
      legMinutes: 12,
      dwellMinutes: 3,
    },
    thermal: refrigerated,
    humidity: humid,
  },
  {
    code: 'BOX-0002',
    entity: 'box',
    profile: 'Default SLA',
    placement: { kind: 'site', city: 'London', status: 'idle' },
    thermal: refrigerated,
    humidity: humid,
  },
  {
    code: 'BOX-0003',
    entity: 'box',
    profile: 'Refrigerated',
    placement: { kind: 'route', stops: ['London', 'Amsterdam', 'Copenhagen'], legMinutes: 10, dwellMinutes: 2 },
    thermal: refrigerated,
    humidity: humid,
  },
  {
    code: 'BOX-0004',
    entity: 'box',
    profile: 'Frozen',
    placement: { kind: 'route', stops: ['Zurich', 'Warsaw'], legMinutes: 15, dwellMinutes: 5 },
    thermal: { setpointC: -20, swingC: 2, minC: -25, maxC: -15, ambientC: 21 },
    humidity: null,
  },
  {
    code: 'FRZ-0001',
    entity: 'box',
    profile: 'Ultra-low',
    placement: { kind: 'site', city: 'Berlin', status: 'in_use' },
    thermal: { setpointC: -80, swingC: 3, minC: -90, maxC: -60, ambientC: 21 },
    humidity: null,
  },
  {
    code: 'FRZ-0002',
    entity: 'box',
    profile: 'Frozen',
    placement: { kind: 'site', city: 'London', status: 'in_use' },
    thermal: { setpointC: -20, swingC: 1.5, minC: -25, maxC: -15, ambientC: 21 },
    humidity: null,
  },
  {
    code: 'DEW-0001',
    entity: 'box',
    profile: 'Cryogenic',
    placement: { kind: 'site', city: 'Paris', status: 'in_use' },
    thermal: { setpointC: -190, swingC: 4, minC: null, maxC: -150, ambientC: 21 },
    humidity: null,
  },
];
