// A query or mutation through the gateway as an admin (creating profiles and containers for a bench's fleet).

/** Returns a function that POSTs to the gateway with the admin's bearer token and throws on any GraphQL error. */
export function gatewayAdmin(gatewayUrl: string, adminToken: string) {
  return async <T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (body.errors?.length || !body.data) throw new Error(`admin request failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}
