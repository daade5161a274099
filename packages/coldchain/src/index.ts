export { AlertAlreadyAcknowledgedError } from './AlertAlreadyAcknowledgedError.ts';
export { acknowledgeAlert } from './acknowledgeAlert.ts';
export { alertId } from './alertId.ts';
export { alertMessage } from './alertMessage.ts';
export { alertState } from './alertState.ts';
export { applyEventToAlert } from './applyEventToAlert.ts';
export { applyReading, REORDER_HORIZON } from './applyReading.ts';
export { applyTick } from './applyTick.ts';
export { compliance } from './compliance.ts';
export { complianceOf } from './complianceOf.ts';
export { CHECKPOINT_INTERVAL_MS } from './entersNewInterval.ts';
export { type EndedExcursion, type ExcursionSpan, excursionSpans } from './excursionSpans.ts';
export { exposure } from './exposure.ts';
export { foldAlertEvents } from './foldAlertEvents.ts';
export { initialState } from './initialState.ts';
export { kineticTerm, meanKineticTemperature, meanKineticTemperatureOfSums } from './meanKineticTemperature.ts';
export { ReplayInputError } from './ReplayInputError.ts';
export { replayLateReadings } from './replayLateReadings.ts';
export {
  complianceFromRollups,
  excursionsAt,
  extendHourlyRollup,
  type HourRollup,
  hourlyRollup,
  hourOf,
  hoursTouchedBy,
  planWindow,
  type RawEdge,
  ROLLUP_INTERVAL_MS,
  type RollupResume,
  type RollupWindow,
  resumableHourlyRollup,
  type WindowPlan,
  windowTime,
} from './rollups.ts';
export { accumulateTime, addTimeFigures, emptyTimeFigures, type Interval, type TimeFigures } from './timeFigures.ts';
export type * from './types.ts';
