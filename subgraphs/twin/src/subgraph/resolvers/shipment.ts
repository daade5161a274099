import type { TwinContext } from '../context.ts';
import { type RecordArgs, recordOfShipment } from './temperatureRecord.ts';

/** The representation the gateway sends: core's fields ride along thanks to @requires (DateTimes as text). */
interface ShipmentRef {
  id: string;
  reference?: string;
  containers?: { code: string }[];
  dispatchedAt?: string | null;
  receivedAt?: string | null;
}

const time = (text: string | null | undefined) => (text ? Date.parse(text) : null);

export const shipmentResolvers = {
  __resolveReference: (ref: ShipmentRef): ShipmentRef => ref,

  temperatureRecord(shipment: ShipmentRef, args: RecordArgs, ctx: TwinContext) {
    return recordOfShipment(
      ctx,
      {
        reference: shipment.reference ?? shipment.id,
        containerCodes: (shipment.containers ?? []).map((c) => c.code),
        dispatchedAt: time(shipment.dispatchedAt),
        receivedAt: time(shipment.receivedAt),
      },
      args,
    );
  },
};
