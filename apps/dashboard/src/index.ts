export { buildDashboard, type DashboardBuild, defaultDashboardDir } from './buildDashboard.ts';
