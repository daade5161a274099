import { DateTimeScalar, JSONScalar } from '@bst/subgraph-kit';
import { AuditEntry, Container, CustodyEvent, Sample, Shipment, Site, StorageProfile } from './entities.ts';
import { Mutation } from './Mutation.ts';
import { Query } from './Query.ts';

export const resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query,
  Mutation,
  Container,
  Sample,
  Site,
  StorageProfile,
  Shipment,
  CustodyEvent,
  AuditEntry,
};
