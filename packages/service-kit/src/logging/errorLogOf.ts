import type { ErrorLog } from '../errors/maskError.ts';
import type { Logger } from './createLogger.ts';

/**
 * The masked errors' detail as lines of the service's logger, under the client's error id: errors at error level with
 * their stack; a backing service being away (SERVICE_UNAVAILABLE, expected during an outage) at warn, without one.
 */
export function errorLogOf(logger: Logger): ErrorLog {
  return ({ service: _service, message, stack, ...detail }) => {
    if (detail.code === 'SERVICE_UNAVAILABLE') logger.warn(detail, message);
    else logger.error({ ...detail, ...(stack ? { stack } : {}) }, message);
  };
}
