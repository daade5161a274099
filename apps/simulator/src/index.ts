export { configFromEnv, type SimulatorConfig, simulatorConfig } from './configFromEnv.ts';
export { type City, cities, type GeoPoint } from './fleet/cities.ts';
export { demoFleet } from './fleet/demoFleet.ts';
export { greatCircle } from './fleet/greatCircle.ts';
export { positionAt } from './fleet/positionAt.ts';
export type { EntityType, Placement, Position, Thermal, VirtualSensor } from './fleet/virtualSensor.ts';
export {
  defaultReplayWindowMs,
  publishWithReplay,
  type ReplayingPublisher,
  type ReplayOptions,
  type ReplayStats,
} from './publisher/publishWithReplay.ts';
export { type AcknowledgedReading, ReplayWindow, type ReplayWindowLimits } from './publisher/replayWindow.ts';
export { type Simulator, type SimulatorOptions, startSimulator } from './publisher/startSimulator.ts';
export { demoScenario } from './scenarios/demoScenario.ts';
export { activeFaults, type Fault, type FaultWindow, type Scenario } from './scenarios/scenario.ts';
export { scenarioByName, scenarios } from './scenarios/scenarioByName.ts';
export { steadyScenario } from './scenarios/steadyScenario.ts';
export { type Backfill, backfillEmissions } from './telemetry/backfillEmissions.ts';
export { emissionsAtTick, maxBatchReadings } from './telemetry/emissionsAtTick.ts';
export type { Emission, Plan, SensorReading, TelemetryPayload } from './telemetry/plan.ts';
export { measuredAt, readingAt } from './telemetry/readingAt.ts';
export { toPayload } from './telemetry/toPayload.ts';
