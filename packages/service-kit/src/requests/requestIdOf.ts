import { randomUUID } from 'node:crypto';

/** The header a request id travels in: from the client (or a proxy), in the answer, and on to the subgraphs. */
export const REQUEST_ID_HEADER = 'x-request-id';

// An id from outside is kept only when it is short and plain, so it cannot forge log lines or grow them.
const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** The incoming `x-request-id` when it is acceptable, else a new one. */
export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && acceptable.test(given) ? given : randomUUID();
}
