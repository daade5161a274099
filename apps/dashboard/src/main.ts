import { startDashboard } from './startDashboard.ts';

const dashboard = await startDashboard({
  port: Number(process.env.DASHBOARD_PORT ?? 5173),
  host: process.env.DASHBOARD_HOST ?? '127.0.0.1',
  gatewayUrl: process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql',
});
console.log(
  `[dashboard] ${dashboard.url} (proxying /graphql to ${process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql'})`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void dashboard.stop().then(() => process.exit(0)));
}
