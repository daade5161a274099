import type { Role } from './roles.ts';

export type RootType = 'Query' | 'Mutation' | 'Subscription';

/**
 * The one table of who may run what: the role each root field of the supergraph needs (a higher role also may).
 * Every subgraph enforces it on its own root fields and refuses to start with a root field missing from it; the
 * role-matrix suite walks every root field of schema/supergraph.graphql against it.
 */
export const operationRoles: Record<RootType, Readonly<Record<string, Role>>> = {
  Query: {
    // core
    container: 'viewer',
    containers: 'viewer',
    sample: 'viewer',
    samples: 'viewer',
    shipment: 'viewer',
    shipments: 'viewer',
    site: 'viewer',
    sites: 'viewer',
    storageProfile: 'viewer',
    storageProfiles: 'viewer',
    auditLog: 'viewer',
    catalogVersion: 'viewer',
    monitoringCatalog: 'viewer',
    // twin
    alerts: 'viewer',
    alert: 'viewer',
    ingestStats: 'viewer',
    deadLetters: 'viewer',
    unregisteredCodes: 'viewer',
    cacheStats: 'viewer',
    archiveStats: 'viewer',
    // federation: entity fields reach every type a subgraph extends, so they are reads like any other
    _entities: 'viewer',
    _service: 'viewer',
  },
  Mutation: {
    createSite: 'admin',
    updateSite: 'admin',
    createStorageProfile: 'admin',
    updateStorageProfile: 'admin',
    createContainer: 'admin',
    updateContainer: 'admin',
    nestContainer: 'operator',
    registerSample: 'operator',
    updateSample: 'operator',
    aliquotSample: 'operator',
    moveSample: 'operator',
    createShipment: 'operator',
    dispatchShipment: 'operator',
    receiveShipment: 'operator',
    cancelShipment: 'operator',
    acknowledgeAlert: 'operator',
  },
  Subscription: {
    alertEvents: 'viewer',
    liveState: 'viewer',
  },
};

/** The role a root field needs, or undefined when the table has no rule for it (which the callers refuse). */
export function roleFor(rootType: RootType, field: string): Role | undefined {
  return Object.hasOwn(operationRoles[rootType], field) ? operationRoles[rootType][field] : undefined;
}
