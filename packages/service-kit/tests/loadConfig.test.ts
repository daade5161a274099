import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  defineConfig,
  flag,
  gatewayTrust,
  gatewayTrustVariables,
  integer,
  loadConfig,
  oneOf,
  port,
  url,
} from '../src/index.ts';

const spec = (service: string) =>
  defineConfig({
    service,
    variables: {
      PORT: port(4000),
      RATE_LIMIT_PER_MINUTE: integer({ min: 0, fallback: 600 }),
      REDIS_URL: url(['redis', 'rediss']).optional(),
      SEED_DEMO: flag(false),
      LOG_LEVEL: oneOf(['info', 'debug'], 'info'),
      ...gatewayTrustVariables,
    },
    requiredUnlessDev: ['GATEWAY_SHARED_SECRET'],
    build: (env) => env,
  });

const secret = 'a-shared-secret-of-length';

describe('a service configuration read from the environment', () => {
  it('applies defaults and converts values', () => {
    const config = loadConfig(spec('svc'), { GATEWAY_SHARED_SECRET: secret, PORT: '4100', SEED_DEMO: 'yes' });
    expect(config).toMatchObject({ PORT: 4100, RATE_LIMIT_PER_MINUTE: 600, SEED_DEMO: true, LOG_LEVEL: 'info' });
    expect(gatewayTrust(config)).toEqual({ authMode: 'jwt', secret, identityMaxAgeSeconds: 60 });
  });

  it('refuses a malformed value, naming the variable and what is wrong with it', () => {
    expect(() => loadConfig(spec('gateway'), { GATEWAY_SHARED_SECRET: secret, RATE_LIMIT_PER_MINUTE: 'abc' })).toThrow(
      'gateway refuses to start: RATE_LIMIT_PER_MINUTE must be a whole number from 0 to 9007199254740991, got "abc"',
    );
    for (const [name, value] of [
      ['RATE_LIMIT_PER_MINUTE', '1.5'],
      ['RATE_LIMIT_PER_MINUTE', '-1'],
      ['PORT', '70000'],
      ['REDIS_URL', 'localhost:6379'],
      ['REDIS_URL', 'http://cache:6379'],
      ['SEED_DEMO', 'maybe'],
      ['LOG_LEVEL', 'loud'],
      ['GATEWAY_SHARED_SECRET', 'short'],
      ['AUTH_MODE', 'none'],
    ]) {
      const env = { GATEWAY_SHARED_SECRET: secret, [name as string]: value };
      expect(() => loadConfig(spec('svc'), env), `${name}=${value}`).toThrow(new RegExp(`${name} `));
    }
  });

  it('reports every problem at once', () => {
    try {
      loadConfig(spec('svc'), { PORT: 'http', RATE_LIMIT_PER_MINUTE: 'abc' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
        'GATEWAY_SHARED_SECRET',
        'PORT',
        'RATE_LIMIT_PER_MINUTE',
      ]);
    }
  });

  it('has no default secret: missing outside AUTH_MODE=dev is refused; dev mode falls back to the public dev secret', () => {
    expect(() => loadConfig(spec('twin'), {})).toThrow(/GATEWAY_SHARED_SECRET is required/);
    expect(() => loadConfig(spec('twin'), { AUTH_MODE: 'jwt' })).toThrow(/GATEWAY_SHARED_SECRET is required/);
    const dev = loadConfig(spec('twin'), { AUTH_MODE: 'dev' });
    expect(gatewayTrust(dev).secret).toBe('bst-dev-gateway-secret');
    expect(() => gatewayTrust({ AUTH_MODE: 'jwt', GATEWAY_IDENTITY_MAX_AGE_SECONDS: 60 })).toThrow();
  });

  it('treats an empty value as unset, as compose passes an unset variable through as empty', () => {
    expect(loadConfig(spec('svc'), { GATEWAY_SHARED_SECRET: secret, PORT: '' }).PORT).toBe(4000);
  });
});
