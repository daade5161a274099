import type { Logger } from './createLogger.ts';

/**
 * An `onError` for background work that retries by itself (a store write during an outage, a catalog poll): one warn
 * line with the error's message; its stack only at debug, so an outage does not flood the log with traces.
 */
export function warnOf(logger: Logger, what: string): (error: unknown) => void {
  return (error) => {
    const message = error instanceof Error ? error.message : String(error);
    if (logger.isLevelEnabled('debug')) logger.debug({ err: error }, what);
    else logger.warn({ error: message }, what);
  };
}
