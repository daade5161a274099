import type { ResultOf } from '../graphql.ts';
import type { ComplianceQuery, ContainersQuery, IngestQuery, LiveFields } from '../operations.ts';

export type ContainerNode = ResultOf<typeof ContainersQuery>['containers']['edges'][number]['node'];
export type LiveState = ResultOf<typeof LiveFields>;
export type ComplianceSummary = ResultOf<typeof ComplianceQuery>['containers']['edges'][number]['node']['compliance'];
export type Ingest = ResultOf<typeof IngestQuery>;

/** One registered container as the page knows it: core's record, its latest live state, its 24 h compliance. */
export interface ContainerEntry {
  container: ContainerNode;
  live: LiveState | null;
  compliance: ComplianceSummary | null;
}
