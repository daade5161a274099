import type { Alert, AlertEvent } from './types.ts';

export function applyEventToAlert(_alert: Alert | undefined, _event: AlertEvent): Alert {
  throw new Error('not implemented');
}
