import type { Acknowledgement, AcknowledgeOutcome, Alert } from './types.ts';

export function acknowledgeAlert(_alert: Alert, _ack: Acknowledgement): AcknowledgeOutcome {
  throw new Error('not implemented');
}
