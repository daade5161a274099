import type { VirtualSensor } from './virtualSensor.ts';

const refrigerated = { setpointC: 5, swingC: 1.5, minC: 2, maxC: 8, ambientC: 21 };
const humid = { setpointPct: 50, swingPct: 8 };
const frozen = { setpointC: -20, swingC: 2, minC: -25, maxC: -15, ambientC: 21 };

/** The demo fleet: the codes and profiles of core's demo seed (BOX-0001 and BOX-0002 are the original's), plus one unregistered box. */
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
    profile: 'Frozen (inherited from its dry-ice shipper SHP-0001)',
    placement: { kind: 'route', stops: ['Berlin', 'Amsterdam', 'Copenhagen'], legMinutes: 10, dwellMinutes: 2 },
    thermal: frozen,
    humidity: null,
  },
  {
    code: 'BOX-0004',
    entity: 'box',
    profile: 'Refrigerated',
    placement: { kind: 'route', stops: ['Amsterdam', 'London', 'Paris'], legMinutes: 15, dwellMinutes: 5 },
    thermal: refrigerated,
    humidity: humid,
  },
  {
    code: 'BOX-0005',
    entity: 'box',
    profile: 'Ambient',
    placement: { kind: 'site', city: 'Paris', status: 'idle' },
    thermal: { setpointC: 20, swingC: 2, minC: 15, maxC: 25, ambientC: 21 },
    humidity: humid,
  },
  {
    code: 'FRZ-BER-01',
    entity: 'box',
    profile: 'Ultra-low',
    placement: { kind: 'site', city: 'Berlin', status: 'in_use' },
    thermal: { setpointC: -80, swingC: 3, minC: -90, maxC: -60, ambientC: 21 },
    humidity: null,
  },
  {
    code: 'FRG-LON-01',
    entity: 'box',
    profile: 'Refrigerated',
    placement: { kind: 'site', city: 'London', status: 'in_use' },
    thermal: refrigerated,
    humidity: humid,
  },
  {
    code: 'DEW-PAR-01',
    entity: 'box',
    profile: 'Cryogenic',
    placement: { kind: 'site', city: 'Paris', status: 'in_use' },
    thermal: { setpointC: -190, swingC: 4, minC: null, maxC: -150, ambientC: 21 },
    humidity: null,
  },
  {
    code: 'BOX-0099',
    entity: 'box',
    profile: 'none: deliberately not in core, so the twin surfaces it as unregistered',
    placement: { kind: 'route', stops: ['Zurich', 'Vienna', 'Warsaw'], legMinutes: 20, dwellMinutes: 5 },
    thermal: refrigerated,
    humidity: humid,
  },
];
