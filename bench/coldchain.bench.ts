// Readings per second through the cold-chain engine's applyReading on one core, against a baseline loop that only
// builds the reading and copies the state's top level (the least any immutable fold must do), measured in the same run;
// then the cost of a reading older than the reorder horizon, replayed from the latest checkpoint before it.
import {
  applyReading,
  type Checkpoint,
  initialState,
  type MonitorState,
  type Reading,
  replayLateReadings,
} from '@bst/coldchain';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';

const profile = refrigeratedProfile({
  id: 'bench',
  name: 'Default SLA',
  minHumidityPct: 30,
  maxHumidityPct: 70,
  excursionDelaySeconds: 600,
});
const N = 1_000_000;
const RUNS = 7;
// A realistic mix: mostly in range, with a 15-minute excursion every hour (readings every 5 s).
const temperatures = Float64Array.from({ length: 720 }, (_, i) =>
  i % 720 < 180 ? 9 + (i % 3) * 0.3 : 4 + (i % 5) * 0.2,
);

function engine(): number {
  let state: MonitorState = initialState();
  let events = 0;
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const reading: Reading = { at: i * 5000, temperatureC: temperatures[i % 720]!, humidityPct: 50 };
    const outcome = applyReading(state, reading, profile);
    state = outcome.state;
    events += outcome.events.length;
  }
  const seconds = (performance.now() - started) / 1000;
  if (events === 0) throw new Error('the workload raised no alerts');
  return N / seconds;
}

function baseline(): number {
  let state: MonitorState = initialState();
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const reading: Reading = { at: i * 5000, temperatureC: temperatures[i % 720]!, humidityPct: 50 };
    state = { ...state, latestAt: reading.at };
  }
  const seconds = (performance.now() - started) / 1000;
  if (state.latestAt !== (N - 1) * 5000) throw new Error('baseline lost readings');
  return N / seconds;
}

/** A day at one reading every 5 s, then one reading `back` readings before the newest arrives: replay it. */
function veryLate(back: number): { replayed: number; micros: number } {
  const readings: Reading[] = Array.from({ length: 17_280 }, (_, i) => ({
    at: i * 5000,
    temperatureC: temperatures[i % 720]!,
    humidityPct: 50,
  }));
  const late = readings.splice(readings.length - back, 1)[0]!;
  let state: MonitorState = initialState();
  const checkpoints: Checkpoint[] = [];
  for (const reading of readings) {
    const outcome = applyReading(state, reading, profile);
    state = outcome.state;
    if (outcome.checkpoint) checkpoints.push(outcome.checkpoint);
  }
  const outcome = applyReading(state, late, profile);
  if (outcome.accepted !== 'needs-replay') throw new Error(`expected needs-replay, got ${outcome.accepted}`);
  const checkpoint = checkpoints.findLast((c) => c.at < outcome.replayBefore!) ?? null;
  const series = readings.filter((r) => checkpoint === null || r.at > checkpoint.at);
  const times: number[] = [];
  let replayed = 0;
  for (let r = 0; r < 15; r++) {
    const started = performance.now();
    replayed = replayLateReadings(state, { checkpoint, series, late: [late] }, profile).replayed;
    times.push((performance.now() - started) * 1000);
  }
  return { replayed, micros: Math.round(median(times)) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
engine();
baseline();
const engineRuns: number[] = [];
const baselineRuns: number[] = [];
for (let r = 0; r < RUNS; r++) {
  engineRuns.push(engine());
  baselineRuns.push(baseline());
}
const readingsPerSec = Math.round(median(engineRuns));
const baselinePerSec = Math.round(median(baselineRuns));
const hourLate = veryLate(720);
const dayLate = veryLate(17_000);
console.log(
  JSON.stringify({
    bench: 'coldchain',
    readingsPerSec,
    baselinePerSec,
    ratio: Math.round((readingsPerSec / baselinePerSec) * 1000) / 1000,
    readingsPerRun: N,
    runs: RUNS,
    targetPerSec: 1_000_000,
    meetsTarget: readingsPerSec > 1_000_000,
    lateHourReplayed: hourLate.replayed,
    lateHourMicros: hourLate.micros,
    lateDayReplayed: dayLate.replayed,
    lateDayMicros: dayLate.micros,
  }),
);
