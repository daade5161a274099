/**
 * For main.ts files: on SIGTERM/SIGINT run `stop` once (drain, close pools), then exit;
 * a second signal or a stop slower than `timeoutMs` exits at once.
 */
export function handleShutdownSignals(
  stop: () => Promise<void>,
  { signals = ['SIGTERM', 'SIGINT'] as NodeJS.Signals[], timeoutMs = 10_000, log = console.error } = {},
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal}: shutting down`);
    setTimeout(() => process.exit(1), timeoutMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
}
