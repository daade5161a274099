// Readings per second through the cold-chain engine's applyReading on one core, against a baseline loop that only
// builds the reading and copies the state's top level (the least any immutable fold must do), measured in the same run.
import { applyReading, initialState, type MonitorState, type Reading } from '@bst/coldchain';
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
  }),
);
