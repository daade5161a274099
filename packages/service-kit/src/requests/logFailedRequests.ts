import { clientErrorCodes } from '../errors/errorCodes.ts';
import { REQUEST_ID_HEADER } from './requestIdOf.ts';

interface AnsweredRequest {
  request: { http?: { headers: { get(name: string): string | undefined } } };
  operationName?: string | null;
  response: {
    body:
      | { kind: 'single'; singleResult: { errors?: readonly { extensions?: Record<string, unknown> }[] } }
      | { kind: 'incremental' };
  };
}

export type FailedRequestLog = (level: 'debug' | 'warn', entry: Record<string, unknown>, message: string) => void;

/**
 * An Apollo Server plugin: a request answered with errors is logged once with its request id, the error ids the
 * client got and their codes, so a support ticket's request id or error id finds the detail. At warn when one of the
 * errors is ours (a backing service, a bug), at debug when they are all about the client's own request.
 */
export function logFailedRequests(log: FailedRequestLog) {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, operationName }: AnsweredRequest) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors?.length) return;
          const codes = [...new Set(errors.map((e) => e.extensions?.code))];
          const ours = codes.some((code) => typeof code !== 'string' || !clientErrorCodes.has(code));
          log(
            ours ? 'warn' : 'debug',
            {
              requestId: request.http?.headers.get(REQUEST_ID_HEADER),
              ...(operationName ? { operationName } : {}),
              errorIds: errors.map((e) => e.extensions?.errorId).filter(Boolean),
              codes,
            },
            'request answered with errors',
          );
        },
      };
    },
  };
}
