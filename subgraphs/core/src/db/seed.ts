import type { Repositories } from '../repositories/index.ts';
import type { ContainerRow } from './schema.ts';

const actor = 'seed';

const profiles = [
  { name: 'Ambient', kind: 'AMBIENT', minTempC: 15, maxTempC: 25, excursionBudgetMinutes: 240 },
  { name: 'Refrigerated', kind: 'REFRIGERATED', minTempC: 2, maxTempC: 8 },
  { name: 'Frozen', kind: 'FROZEN', minTempC: -25, maxTempC: -15, hysteresisC: 1 },
  { name: 'Ultra-low', kind: 'ULTRA_LOW', minTempC: -90, maxTempC: -60, hysteresisC: 2 },
  { name: 'Cryogenic', kind: 'CRYOGENIC', minTempC: null, maxTempC: -150, hysteresisC: 5 },
  { name: 'Default SLA', kind: 'REFRIGERATED', minTempC: 2, maxTempC: 8, minHumidityPct: 30, maxHumidityPct: 70 },
] as const;

const sites = [
  { code: 'BER', name: 'Berlin Biobank', city: 'Berlin', country: 'DE', lat: 52.52, lng: 13.405 },
  { code: 'LON', name: 'London Clinical Hub', city: 'London', country: 'GB', lat: 51.5074, lng: -0.1278 },
  { code: 'PAR', name: 'Paris Research Lab', city: 'Paris', country: 'FR', lat: 48.8566, lng: 2.3522 },
  { code: 'AMS', name: 'Amsterdam Distribution', city: 'Amsterdam', country: 'NL', lat: 52.3676, lng: 4.9041 },
];

type Kind = ContainerRow['kind'];
type Status = ContainerRow['status'];
const containers: {
  code: string;
  kind: Kind;
  label: string;
  site: string;
  profile?: string;
  parent?: string;
  status?: Status;
}[] = [
  {
    code: 'BOX-0001',
    kind: 'BOX',
    label: 'Transport box 1',
    site: 'BER',
    profile: 'Default SLA',
    status: 'IN_TRANSIT',
  },
  { code: 'BOX-0002', kind: 'BOX', label: 'Transport box 2', site: 'LON', profile: 'Default SLA', status: 'IDLE' },
  {
    code: 'FRZ-BER-01',
    kind: 'FREEZER',
    label: 'Berlin ultra-low freezer',
    site: 'BER',
    profile: 'Ultra-low',
    status: 'IN_USE',
  },
  { code: 'RACK-BER-01-A', kind: 'RACK', label: 'Rack A', site: 'BER', parent: 'FRZ-BER-01', status: 'IN_USE' },
  { code: 'BOX-BER-01-A1', kind: 'BOX', label: 'Box A1', site: 'BER', parent: 'RACK-BER-01-A', status: 'IN_USE' },
  {
    code: 'FRG-LON-01',
    kind: 'REFRIGERATOR',
    label: 'London pharmacy fridge',
    site: 'LON',
    profile: 'Refrigerated',
    status: 'IN_USE',
  },
  { code: 'DEW-PAR-01', kind: 'DEWAR', label: 'Paris LN2 dewar', site: 'PAR', profile: 'Cryogenic', status: 'IN_USE' },
  { code: 'SHP-0001', kind: 'SHIPPER', label: 'Dry-ice shipper', site: 'BER', profile: 'Frozen' },
  { code: 'BOX-0003', kind: 'BOX', label: 'Transport box 3', site: 'BER', parent: 'SHP-0001' },
  { code: 'BOX-0004', kind: 'BOX', label: 'Transport box 4', site: 'AMS', profile: 'Refrigerated' },
  { code: 'BOX-0005', kind: 'BOX', label: 'Transport box 5', site: 'PAR', profile: 'Ambient' },
];

type SampleKind = 'BLOOD' | 'PLASMA' | 'SERUM' | 'VACCINE' | 'DNA' | 'CELLS';
const samples: { code: string; name: string; kind: SampleKind; container: string; description?: string }[] = [
  {
    code: 'SAMPLE-0001',
    name: 'Blood Sample A',
    kind: 'BLOOD',
    container: 'BOX-0001',
    description: 'Whole blood, EDTA',
  },
  {
    code: 'SAMPLE-0002',
    name: 'Vaccine Batch 1',
    kind: 'VACCINE',
    container: 'BOX-0002',
    description: 'mRNA vaccine lot',
  },
  { code: 'SAMPLE-0003', name: 'Plasma Pool 7', kind: 'PLASMA', container: 'BOX-BER-01-A1' },
  { code: 'SAMPLE-0004', name: 'Tumour DNA 12', kind: 'DNA', container: 'BOX-BER-01-A1' },
  { code: 'SAMPLE-0005', name: 'Insulin Lot 3', kind: 'VACCINE', container: 'FRG-LON-01' },
  { code: 'SAMPLE-0006', name: 'iPSC Line 4', kind: 'CELLS', container: 'DEW-PAR-01' },
  { code: 'SAMPLE-0007', name: 'Serum Panel 2', kind: 'SERUM', container: 'BOX-0003' },
];

/** The demo world (and the original's BOX-0001/0002, SAMPLE-0001/0002); safe to run on every start. */
export async function seedDemoData(repos: Repositories): Promise<void> {
  const knownProfiles = new Map((await repos.storageProfiles.list()).map((p) => [p.name, p.id]));
  for (const profile of profiles) {
    if (!knownProfiles.has(profile.name)) {
      knownProfiles.set(profile.name, (await repos.storageProfiles.create(actor, { ...profile })).id);
    }
  }
  const knownSites = new Set((await repos.sites.list()).map((s) => s.code));
  for (const site of sites) if (!knownSites.has(site.code)) await repos.sites.create(actor, site);

  const knownContainers = new Set(
    (
      await repos.containers.findByKeys(
        [],
        containers.map((c) => c.code),
      )
    ).map((c) => c.code),
  );
  for (const c of containers) {
    if (knownContainers.has(c.code)) continue;
    await repos.containers.create(actor, {
      code: c.code,
      kind: c.kind,
      label: c.label,
      status: c.status ?? 'IDLE',
      siteCode: c.site,
      storageProfileId: c.profile ? (knownProfiles.get(c.profile) ?? null) : null,
      parentCode: c.parent ?? null,
    });
  }
  const knownSamples = new Set(
    (
      await repos.samples.findByKeys(
        [],
        samples.map((s) => s.code),
      )
    ).map((s) => s.code),
  );
  for (const s of samples) {
    if (knownSamples.has(s.code)) continue;
    await repos.samples.register(actor, {
      code: s.code,
      name: s.name,
      kind: s.kind,
      description: s.description ?? null,
      collectedAt: new Date('2025-10-13T08:00:00Z'),
      containerCode: s.container,
    });
  }
  const [shipment] = await repos.shipments.findByKeys([], ['SHIP-BER-AMS-001']);
  if (!shipment) {
    await repos.shipments.create(actor, {
      reference: 'SHIP-BER-AMS-001',
      originCode: 'BER',
      destinationCode: 'AMS',
      containerCodes: ['SHP-0001'],
      plannedDepartureAt: new Date(Date.now() + 3600_000),
      plannedArrivalAt: new Date(Date.now() + 9 * 3600_000),
    });
    await repos.shipments.dispatch(actor, 'SHIP-BER-AMS-001', null);
  }
}
