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

/**
 * An Apollo Server plugin: a request answered with errors is logged once with its request id, the error ids the
 * client got and their codes, so a support ticket's request id or error id finds the detail.
 */
export function logFailedRequests(log: (entry: Record<string, unknown>, message: string) => void) {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, operationName }: AnsweredRequest) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors?.length) return;
          log(
            {
              requestId: request.http?.headers.get(REQUEST_ID_HEADER),
              ...(operationName ? { operationName } : {}),
              errorIds: errors.map((e) => e.extensions?.errorId).filter(Boolean),
              codes: [...new Set(errors.map((e) => e.extensions?.code))],
            },
            'request answered with errors',
          );
        },
      };
    },
  };
}
