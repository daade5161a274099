import type { MonitorState } from './types.ts';

export function initialState(): MonitorState {
  return {
    v: 1,
    latestAt: null,
    live: { temperatureC: null, humidityPct: null, lat: null, lng: null, status: null },
    current: { runs: {}, closedBudgetMs: 0 },
    base: { runs: {}, closedBudgetMs: 0 },
    horizon: [],
    horizonAt: null,
    offline: null,
  };
}
