import { type Logger, pino, destination as toFileDescriptor } from 'pino';
import type { LogLevel } from './logLevel.ts';

export type { Logger };

/**
 * One JSON line per event on stdout, named for the service. Hot paths check `logger.isLevelEnabled('debug')` before
 * building what they log, so a disabled level costs one comparison.
 */
export function createLogger(service: string, level: LogLevel = 'info', destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service, pid: process.pid },
      // Levels by name, as operators grep and filter them.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? toFileDescriptor({ dest: 1, sync: true }),
  );
}
