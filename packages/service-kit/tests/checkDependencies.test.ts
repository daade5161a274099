import { describe, expect, it } from 'vitest';
import { checkDependencies } from '../src/index.ts';

describe('checkDependencies', () => {
  it('is ready when every dependency answers', async () => {
    expect(await checkDependencies({ redis: async () => 'PONG', postgres: () => {} })).toEqual({
      ready: true,
      failing: [],
      dependencies: { redis: { ready: true }, postgres: { ready: true } },
    });
  });

  it('names a dependency that throws or does not answer in time, and answers within the bound', async () => {
    const started = Date.now();
    const readiness = await checkDependencies(
      {
        redis: () => new Promise(() => {}),
        mqtt: () => {
          throw new Error('the broker connection is down\n    at stack');
        },
        postgres: async () => {},
      },
      300,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(readiness).toEqual({
      ready: false,
      failing: ['redis', 'mqtt'],
      dependencies: {
        redis: { ready: false, error: 'no answer within 300 ms' },
        mqtt: { ready: false, error: 'the broker connection is down' },
        postgres: { ready: true },
      },
    });
  });
});
