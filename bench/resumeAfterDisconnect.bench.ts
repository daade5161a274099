// Issue 11, acceptance 1: a graphql-ws client and an SSE client away for 30 s while 200 alert transitions happen come
// back with their cursors (`after`, Last-Event-ID) and get exactly the 200, in order, then live ones.
import { resumeAfterDisconnect } from './support/resumeScenario.ts';
import { round, startAlertStack } from './support/startAlertStack.ts';

const env = process.env;
const transitions = Number(env.BENCH_TRANSITIONS ?? 200);
const disconnectMs = Number(env.BENCH_DISCONNECT_MS ?? 30_000);

const stack = await startAlertStack('bench_resume');
try {
  const outcome = await resumeAfterDisconnect(stack, { transitions, disconnectMs });
  const passed = [outcome.webSocket, outcome.sse].every(
    (c) => c.received === transitions + 2 && c.replayInOrder && c.duplicates === 0 && c.liveReceived === 2,
  );
  console.log(
    JSON.stringify({
      bench: 'resumeAfterDisconnect',
      transitions,
      disconnectMs: outcome.disconnectMs,
      webSocket: { ...outcome.webSocket, replayMs: round(outcome.webSocket.replayMs) },
      sse: { ...outcome.sse, replayMs: round(outcome.sse.replayMs) },
      passed,
    }),
  );
  if (!passed) process.exitCode = 1;
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await stack.stop();
}
