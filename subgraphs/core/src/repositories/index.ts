import type { DB } from '../db/index.ts';
import { AuditLogRepository } from './AuditLogRepository.ts';
import { CatalogRepository } from './CatalogRepository.ts';
import { ContainerRepository } from './ContainerRepository.ts';
import { CustodyEventRepository } from './CustodyEventRepository.ts';
import { SampleRepository } from './SampleRepository.ts';
import { ShipmentRepository } from './ShipmentRepository.ts';
import { SiteRepository } from './SiteRepository.ts';
import { StorageProfileRepository } from './StorageProfileRepository.ts';

export interface Repositories {
  auditLog: AuditLogRepository;
  catalog: CatalogRepository;
  containers: ContainerRepository;
  custodyEvents: CustodyEventRepository;
  samples: SampleRepository;
  shipments: ShipmentRepository;
  sites: SiteRepository;
  storageProfiles: StorageProfileRepository;
}

export function createRepositories(db: DB): Repositories {
  const auditLog = new AuditLogRepository(db);
  const custodyEvents = new CustodyEventRepository(db);
  return {
    auditLog,
    catalog: new CatalogRepository(db),
    containers: new ContainerRepository(db, auditLog, custodyEvents),
    custodyEvents,
    samples: new SampleRepository(db, auditLog, custodyEvents),
    shipments: new ShipmentRepository(db, auditLog, custodyEvents),
    sites: new SiteRepository(db, auditLog),
    storageProfiles: new StorageProfileRepository(db, auditLog),
  };
}
