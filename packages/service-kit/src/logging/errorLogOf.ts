import type { ErrorLog } from '../errors/maskError.ts';
import type { Logger } from './createLogger.ts';

/** The masked errors' detail (stack included) as error lines of the service's logger, under the client's error id. */
export function errorLogOf(logger: Logger): ErrorLog {
  return ({ service: _service, message, ...detail }) => logger.error(detail, message);
}
