import { configOrExit } from '@bst/service-kit';
import { configFromEnv } from './configFromEnv.ts';
import { startDashboard } from './startDashboard.ts';

const config = configOrExit(() => configFromEnv());
const dashboard = await startDashboard(config);
console.log(`[dashboard] ${dashboard.url} (proxying /graphql to ${config.gatewayUrl})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void dashboard.stop().then(() => process.exit(0)));
}
