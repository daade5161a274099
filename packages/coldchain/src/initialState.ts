import type { MonitorState } from './types.ts';

export function initialState(): MonitorState {
  return {
    v: 3,
    latestAt: null,
    live: { temperatureC: null, humidityPct: null, lat: null, lng: null, status: null },
    current: { runs: {}, closedBudgetMs: 0, raised: {} },
    base: { runs: {}, closedBudgetMs: 0, raised: {} },
    horizon: [],
    horizonAt: null,
    offline: null,
    clockAt: null,
  };
}
