import type { PlatformPorts } from './startPlatform.ts';

/** A port the platform needs is taken: which one (by its role) and its number, so main can name the setting. */
export class PortInUseError extends Error {
  constructor(
    readonly port: keyof PlatformPorts,
    readonly number: number,
    options?: ErrorOptions,
  ) {
    super(`port ${number} (${port}) is already in use`, options);
    this.name = 'PortInUseError';
  }
}

/** Whether `error` (or what it wraps) is a listen() that found its address taken. */
export function portInUse(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as NodeJS.ErrnoException).code === 'EADDRINUSE') return true;
  }
  return false;
}
