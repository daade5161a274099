export { configFromEnv, dashboardConfig } from './configFromEnv.ts';
export { dashboardFile, serveDashboardAsset } from './dashboardAssets.ts';
export { proxyHttp, proxyUpgrade } from './proxyToGateway.ts';
export { type Dashboard, type DashboardOptions, startDashboard } from './startDashboard.ts';
