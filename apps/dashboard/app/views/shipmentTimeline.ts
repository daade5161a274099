import type { ResultOf } from '../graphql.ts';
import type { AlertCard } from '../model/alertFeed.ts';
import type { ShipmentsQuery } from '../operations.ts';
import { el, timeOf } from './dom.ts';

type Shipment = ResultOf<typeof ShipmentsQuery>['shipments']['edges'][number]['node'];

interface Milestone {
  key: string;
  label: string;
  at: string | null;
  planned: boolean;
}

function milestones(shipment: Shipment): Milestone[] {
  return [
    { key: 'created', label: 'booked', at: shipment.createdAt, planned: false },
    { key: 'planned-departure', label: 'planned departure', at: shipment.plannedDepartureAt, planned: true },
    { key: 'dispatched', label: 'dispatched', at: shipment.dispatchedAt, planned: false },
    { key: 'planned-arrival', label: 'planned arrival', at: shipment.plannedArrivalAt, planned: true },
    { key: 'received', label: 'received', at: shipment.receivedAt, planned: false },
  ];
}

/** Each shipment as a timeline: its milestones in time order and the alerts its containers raised on the way. */
export function renderShipments(list: HTMLElement, shipments: readonly Shipment[], alerts: readonly AlertCard[]): void {
  list.replaceChildren(
    ...shipments.map((shipment) => {
      const codes = new Set(shipment.containers.map((container) => container.code));
      const events = [
        ...milestones(shipment)
          .filter((milestone) => milestone.at)
          .map((milestone) => ({ at: milestone.at!, node: milestoneItem(milestone) })),
        ...alerts
          .filter((card) => card.alert.container && codes.has(card.alert.container.code))
          .filter((card) => !shipment.dispatchedAt || card.alert.startedAt >= shipment.dispatchedAt)
          .map((card) => ({ at: card.alert.startedAt, node: alertItem(card) })),
      ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      return el(
        'li',
        { className: 'shipment', dataset: { reference: shipment.reference, status: shipment.status } },
        el(
          'div',
          { className: 'shipment-head' },
          el('strong', {}, shipment.reference),
          el('span', { className: 'badge' }, shipment.status.replace('_', ' ').toLowerCase()),
          ` ${shipment.origin.name} → ${shipment.destination.name}`,
        ),
        el(
          'p',
          { className: 'shipment-containers' },
          `Containers: ${shipment.containers.map((c) => c.code).join(', ') || '—'}`,
        ),
        el(
          'ol',
          { className: 'timeline' },
          events.map((event) => event.node),
        ),
      );
    }),
  );
}

function milestoneItem(milestone: Milestone): HTMLElement {
  const past = Date.parse(milestone.at!) <= Date.now();
  return el(
    'li',
    {
      className: `milestone${milestone.planned ? ' planned' : ''}${past ? ' past' : ''}`,
      dataset: { milestone: milestone.key },
    },
    el('span', { className: 'dot' }),
    `${milestone.label} `,
    timeOf(milestone.at),
  );
}

function alertItem(card: AlertCard): HTMLElement {
  return el(
    'li',
    { className: 'milestone alert-event', dataset: { severity: card.alert.severity } },
    el('span', { className: 'dot' }),
    `${card.alert.container?.code} ${card.alert.kind.replaceAll('_', ' ').toLowerCase()} `,
    timeOf(card.alert.startedAt),
  );
}
