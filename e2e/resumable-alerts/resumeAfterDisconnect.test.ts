import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeAfterDisconnect } from '../../bench/support/resumeScenario.ts';
import { type AlertStack, startAlertStack } from '../../bench/support/startAlertStack.ts';

// The bench (`npm run bench -- resume`) stays away 30 s; here a second: the count and the order are the point.
describe('clients that go away come back with their cursors and miss nothing (issue 11, acceptance 1)', () => {
  let stack: AlertStack;
  beforeAll(async () => {
    stack = await startAlertStack('e2e_resume');

    // Core, twin, bridge and gateway start as processes: a busy machine takes a minute or more.
  }, 180_000);
  afterAll(() => stack?.stop(), 60_000);

  it('a graphql-ws and an SSE client away during 200 transitions get exactly the 200, in order, then live ones', async () => {
    const outcome = await resumeAfterDisconnect(stack, { transitions: 200, disconnectMs: 1000 });
    for (const client of [outcome.webSocket, outcome.sse]) {
      expect(client).toMatchObject({
        received: 202,
        replayInOrder: true,
        duplicates: 0,
        liveReceived: 2,
        hydrated: true,
      });
    }
  }, 180_000);
});
