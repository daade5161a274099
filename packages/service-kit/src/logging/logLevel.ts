import { oneOf } from '../config/variables.ts';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type LogLevel = (typeof logLevels)[number];

/** `LOG_LEVEL`, the same for every service: `info` unless set. */
export const logLevelVariables = { LOG_LEVEL: oneOf(logLevels, 'info') };
