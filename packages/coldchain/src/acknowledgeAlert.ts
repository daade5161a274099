import { AlertAlreadyAcknowledgedError } from './AlertAlreadyAcknowledgedError.ts';
import type { Acknowledgement, AcknowledgeOutcome, Alert } from './types.ts';

/** Acknowledging is independent of clearing: an active alert stays active, a cleared one stays cleared. */
export function acknowledgeAlert(alert: Alert, { by, note, at }: Acknowledgement): AcknowledgeOutcome {
  if (alert.state === 'ACTIVE_ACKNOWLEDGED' || alert.state === 'CLEARED_ACKNOWLEDGED') {
    throw new AlertAlreadyAcknowledgedError(alert.id, alert.acknowledgedAt ?? at, alert.acknowledgedBy);
  }
  const acknowledged: Alert = {
    ...alert,
    state: alert.state === 'ACTIVE_UNACKNOWLEDGED' ? 'ACTIVE_ACKNOWLEDGED' : 'CLEARED_ACKNOWLEDGED',
    acknowledgedAt: at,
    acknowledgedBy: by,
    note: note ?? null,
  };
  return {
    alert: acknowledged,
    event: {
      transition: 'ACKNOWLEDGED',
      alertId: alert.id,
      kind: alert.kind,
      severity: alert.severity,
      at,
      startedAt: alert.startedAt,
      message: note ? `Acknowledged by ${by}: ${note}` : `Acknowledged by ${by}`,
      by,
      note: note ?? null,
    },
  };
}
