import type { TadaDocumentNode } from 'gql.tada';
import { print } from 'graphql';
import { authorization } from './token.ts';

export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string };
}

export interface GraphQLResponse<T> {
  data: T | null;
  errors: GraphQLErrorShape[];
  /** The gateway could not be reached or answered that it is unavailable: the backend is offline. */
  unreachable: boolean;
}

const unavailableStatuses = new Set([502, 503, 504]);

/** One GraphQL request to the same-origin gateway, typed by its document. */
export async function request<Result, Variables>(
  document: TadaDocumentNode<Result, Variables>,
  ...[variables]: Variables extends Record<string, never> ? [] : [Variables]
): Promise<GraphQLResponse<Result>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const auth = authorization();
  if (auth) headers.authorization = auth;
  try {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
    });
    if (unavailableStatuses.has(response.status)) {
      return { data: null, errors: [{ message: `gateway answered ${response.status}` }], unreachable: true };
    }
    const body = (await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }))) as {
      data?: Result;
      errors?: GraphQLErrorShape[];
    };
    return { data: body.data ?? null, errors: body.errors ?? [], unreachable: false };
  } catch (error) {
    return {
      data: null,
      errors: [{ message: `network error: ${error instanceof Error ? error.message : String(error)}` }],
      unreachable: true,
    };
  }
}

/** What to tell the operator about errors, never speaking of "your token" when there is none. */
export function describeErrors(errors: readonly GraphQLErrorShape[], hasToken: boolean): string {
  const codes = new Set(errors.map((error) => error.extensions?.code));
  if (codes.has('UNAUTHENTICATED')) {
    return hasToken
      ? 'The token was refused (expired or not valid here): paste a fresh one above (npm start prints dev tokens).'
      : 'Sign in: paste a token above (npm start prints dev tokens).';
  }
  if (codes.has('FORBIDDEN')) {
    return hasToken
      ? 'This token lacks the role for that: acknowledging needs the operator role.'
      : 'Anonymous visitors can only look: paste an operator token above to acknowledge (npm start prints dev tokens).';
  }
  return errors.map((error) => error.message).join(' · ');
}
