import { conflict } from '@bst/subgraph-kit';

export type ShipmentStatus = 'PLANNED' | 'IN_TRANSIT' | 'RECEIVED' | 'CANCELLED';
export type ShipmentAction = 'dispatch' | 'receive' | 'cancel';

const transitions: Record<ShipmentAction, { from: ShipmentStatus; to: ShipmentStatus }> = {
  dispatch: { from: 'PLANNED', to: 'IN_TRANSIT' },
  receive: { from: 'IN_TRANSIT', to: 'RECEIVED' },
  cancel: { from: 'PLANNED', to: 'CANCELLED' },
};

/** The status a shipment moves to, or CONFLICT when its current status does not allow the action. */
export function nextShipmentStatus(current: ShipmentStatus, action: ShipmentAction): ShipmentStatus {
  const transition = transitions[action];
  if (current !== transition.from) {
    throw conflict('reference', `Cannot ${action} a shipment that is ${current} (it must be ${transition.from})`);
  }
  return transition.to;
}
