import { defineConfig, loadConfig, text, url } from '@bst/service-kit';

export interface ReportConfig {
  gatewayUrl: string;
  token: string | undefined;
}

export const reportConfig = defineConfig({
  service: 'report',
  variables: {
    BST_GATEWAY_URL: url(['http', 'https']).default('http://127.0.0.1:4000/graphql'),
    BST_TOKEN: text(8192).optional(),
  },
  build: (env): ReportConfig => ({ gatewayUrl: env.BST_GATEWAY_URL, token: env.BST_TOKEN }),
});

/** `npm run report` settings (the options `--gateway` and `--token` win over them). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ReportConfig {
  return loadConfig(reportConfig, env);
}
