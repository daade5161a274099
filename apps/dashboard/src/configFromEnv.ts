import { defineConfig, loadConfig, port, text, url } from '@bst/service-kit';
import type { DashboardOptions } from './startDashboard.ts';

export const dashboardConfig = defineConfig({
  service: 'dashboard',
  variables: {
    DASHBOARD_PORT: port(5173),
    DASHBOARD_HOST: text().default('127.0.0.1'),
    GATEWAY_URL: url(['http', 'https']).default('http://127.0.0.1:4000/graphql'),
  },
  build: (env): DashboardOptions => ({
    port: env.DASHBOARD_PORT,
    host: env.DASHBOARD_HOST,
    gatewayUrl: env.GATEWAY_URL,
  }),
});

/** `apps/dashboard/src/main.ts` settings, validated once at start. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DashboardOptions {
  return loadConfig(dashboardConfig, env);
}
