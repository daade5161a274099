import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coreConfig } from '@bst/core';
import { gatewayConfig } from '@bst/gateway';
import { platformConfig } from '@bst/platform';
import { type ConfigSpec, clientErrorCodes, opaqueErrorMessages } from '@bst/service-kit';
import { simulatorConfig } from '@bst/simulator';
import { repositoryRoot, runUntilExit } from '@bst/testing';
import { archiverConfig, bridgeConfig, reportConfig, twinSubgraphConfig } from '@bst/twin';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type AnySpec = ConfigSpec<Record<string, never>, unknown> & { variables: Record<string, unknown> };
const specs = [
  coreConfig,
  twinSubgraphConfig,
  bridgeConfig,
  gatewayConfig,
  simulatorConfig,
  platformConfig,
  archiverConfig,
  reportConfig,
] as unknown as AnySpec[];

/** Variables that images and scripts outside our services read (Postgres, Redis, Mosquitto's password script). */
const infrastructure = new Set([
  'POSTGRES_USER',
  'POSTGRES_DB',
  'POSTGRES_PASSWORD',
  'REDIS_PASSWORD',
  'REDISCLI_AUTH',
  'MQTT_BRIDGE_PASSWORD',
  'MQTT_SIMULATOR_PASSWORD',
  'MQTT_HEALTH_PASSWORD',
  'MQTT_DEVICES',
]);

const read = (path: string) => readFileSync(join(repositoryRoot, path), 'utf8');

/** Words in the README that look like variables and are not settings: the graph's enum values, error codes, the walkthrough's shell variables, the tests' own settings. */
const enumValues = new Set(
  [...read('schema/supergraph.graphql').matchAll(/^\s+([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b(?!\s*[:(])/gm)].map((m) => m[1]!),
);
const notSettings = (name: string) =>
  enumValues.has(name) ||
  clientErrorCodes.has(name) ||
  name in opaqueErrorMessages ||
  name.startsWith('TEST_') ||
  ['OPERATOR_TOKEN', 'ALERT_ID'].includes(name);
const variablesIn = (text: string) => new Set(text.match(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]\b/g) ?? []);
const knows = (spec: AnySpec, name: string) =>
  Object.hasOwn(spec.variables, name) || Object.values(spec.patterns ?? {}).some((p) => p.match.test(name));

describe('each service configuration is one schema, and the documentation agrees with it', () => {
  const composeServices = parse(read('docker-compose.yml'), { merge: true }).services as Record<
    string,
    { environment?: Record<string, string> }
  >;
  const byComposeService: Record<string, AnySpec> = {
    core: specs[0]!,
    twin: specs[1]!,
    bridge: specs[2]!,
    gateway: specs[3]!,
    simulator: specs[4]!,
    archiver: specs[6]!,
  };

  it("every variable compose gives one of our services is in that service's schema", () => {
    for (const [service, spec] of Object.entries(byComposeService)) {
      const unknown = Object.keys(composeServices[service]?.environment ?? {}).filter((name) => !knows(spec, name));
      expect(unknown, `${service} is given variables its schema does not read`).toEqual([]);
    }
  });

  it('every variable the README and .env.example mention is read by some service (or by the infrastructure)', () => {
    const documented = new Set([...variablesIn(read('README.md')), ...variablesIn(read('.env.example'))]);
    const unread = [...documented].filter(
      (name) => !infrastructure.has(name) && !notSettings(name) && !specs.some((s) => knows(s, name)),
    );
    expect(unread).toEqual([]);
  });

  it('every variable a schema reads is documented (README, docs/, a service README, compose or .env.example)', () => {
    const docs = readdirSync(join(repositoryRoot, 'docs')).map((file) => read(`docs/${file}`));
    const text = [
      read('README.md'),
      read('.env.example'),
      read('docker-compose.yml'),
      read('subgraphs/twin/src/bridge/README.md'),
      read('subgraphs/twin/src/store/README.md'),
      ...docs,
    ].join('\n');
    for (const spec of specs) {
      const undocumented = Object.keys(spec.variables).filter((name) => !text.includes(name));
      expect(undocumented, `${spec.service} reads undocumented variables`).toEqual([]);
      for (const family of Object.keys(spec.patterns ?? {})) {
        expect(text, `${spec.service}: ${family}`).toContain(family.replace('_NAME_', '_<NAME>_'));
      }
    }
  });
});

describe('a service started with a missing or malformed setting refuses to start, naming it', () => {
  const gatewayEnv = {
    JWT_SECRET: 'a-jwt-secret-long-enough',
    GATEWAY_SHARED_SECRET: 'a-shared-secret-long-enough',
    SUPERGRAPH_WATCH: 'false',
    PORT: '0',
  };

  it('the gateway with RATE_LIMIT_PER_MINUTE=abc, instead of silently turning the limit off', async () => {
    const { code, output } = await runUntilExit('apps/gateway/src/main.ts', {
      ...gatewayEnv,
      RATE_LIMIT_PER_MINUTE: 'abc',
      NODE_ENV: 'production',
    });
    expect(code).toBe(1);
    expect(output).toContain('gateway refuses to start: RATE_LIMIT_PER_MINUTE must be a whole number');
    expect(output).toContain('got "abc"');
    expect(output).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['core', 'subgraphs/core/src/main.ts', ['GATEWAY_SHARED_SECRET']],
    ['twin-subgraph', 'subgraphs/twin/src/subgraph/main.ts', ['GATEWAY_SHARED_SECRET']],
    ['twin-bridge', 'subgraphs/twin/src/bridge/main.ts', ['GATEWAY_SHARED_SECRET']],
    ['gateway', 'apps/gateway/src/main.ts', ['JWT_SECRET', 'GATEWAY_SHARED_SECRET']],
  ] as const)(
    '%s without its secrets and without AUTH_MODE=dev (it would have trusted a public one)',
    async (service, main, secrets) => {
      // NODE_ENV unset, as `npm run start:twin` ran in the review: no mode but AUTH_MODE=dev falls back.
      const { code, output } = await runUntilExit(main, { PORT: '0', BRIDGE_HEALTH_PORT: '0' });
      expect(code).toBe(1);
      expect(output).toContain(`${service} refuses to start:`);
      for (const name of secrets) expect(output).toContain(`${name} is required`);
    },
  );

  it('the embedded platform without AUTH_MODE=dev', async () => {
    const { code, output } = await runUntilExit('apps/platform/src/main.ts', {});
    expect(code).toBe(1);
    expect(output).toContain('platform refuses to start: AUTH_MODE must be dev');
  });
});
