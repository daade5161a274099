// Every GraphQL operation the page sends, typed from schema/supergraph.graphql (gql.tada) and validated against the
// supergraph's API schema by tests/operations.test.ts.

import { graphql } from './graphql.ts';

export const LiveFields = graphql(`
  fragment LiveFields on LiveState { temperatureC humidityPct location { lat lng } status at stale }
`);

export const AlertFields = graphql(`
  fragment AlertFields on Alert {
    id kind severity state container { code } sample { code } startedAt endedAt acknowledgedAt acknowledgedBy
    note message peakValue
  }
`);

export const ContainersQuery = graphql(
  `
  query DashboardContainers {
    containers(first: 500) {
      totalCount
      edges { node {
        id code kind label status
        site { code name location { lat lng } }
        storageProfile { name minTempC maxTempC minHumidityPct maxHumidityPct staleAfterSeconds }
        live { ...LiveFields }
      } }
    }
  }
`,
  [LiveFields],
);

export const ComplianceQuery = graphql(`
  query DashboardCompliance($since: DateTime) {
    containers(first: 500) {
      edges { node { code compliance(since: $since) {
        since until readings inRangePct timeInRangePct outOfRangeMinutes unknownMinutes excursionMinutes mktC
      } } }
    }
  }
`);

export const AlertsQuery = graphql(
  `
  query DashboardAlerts { alerts(first: 200) { ...AlertFields } }
`,
  [AlertFields],
);

export const IngestQuery = graphql(`
  query DashboardIngest {
    ingestStats { accepted duplicates rejected late unregistered }
    unregisteredCodes { entityType code firstSeenAt lastSeenAt readings }
  }
`);

export const AcknowledgeMutation = graphql(
  `
  mutation Acknowledge($id: ID!, $note: String) { acknowledgeAlert(id: $id, note: $note) { ...AlertFields } }
`,
  [AlertFields],
);

export const LiveSubscription = graphql(
  `
  subscription DashboardLive($containerCodes: [String!]!) {
    liveState(containerCodes: $containerCodes) { containerCode live { ...LiveFields } }
  }
`,
  [LiveFields],
);

export const AlertSubscription = graphql(
  `
  subscription DashboardAlertEvents { alertEvents { transition at alert { ...AlertFields } } }
`,
  [AlertFields],
);

export const ContainerDetailQuery = graphql(
  `
  query DashboardContainerDetail($code: String!, $since: DateTime!) {
    container(code: $code) {
      code label kind
      site { name }
      storageProfile { name minTempC maxTempC excursionDelaySeconds staleAfterSeconds }
      readings(since: $since) { at temperatureC }
      compliance(since: $since) {
        since until readings inRangePct timeInRangePct outOfRangeMinutes unknownMinutes excursionMinutes
        excursionCount budgetRemainingMinutes minC maxC meanC mktC mktUnavailableReason
        excursions { metric kind startedAt endedAt peakValue minutes }
      }
      samples { code name kind }
    }
  }
`,
);

export const SampleExposureQuery = graphql(`
  query DashboardSampleExposure($code: String!, $since: DateTime!) {
    sample(code: $code) {
      code name kind
      storageProfile { name }
      exposure(since: $since) {
        profileName atRisk readings timeInRangePct unknownMinutes excursionMinutes excursionCount
        budgetRemainingMinutes mktC mktUnavailableReason
        hops { containerCode from to readings excursionMinutes timeInRangePct }
      }
    }
  }
`);

export const ShipmentsQuery = graphql(`
  query DashboardShipments {
    shipments(first: 20) {
      edges { node {
        id reference status createdAt plannedDepartureAt plannedArrivalAt dispatchedAt receivedAt
        origin { code name }
        destination { code name }
        containers { code label }
      } }
    }
  }
`);
