import { sealIdentity } from '@bst/identity';
import { getIntrospectionQuery } from 'graphql';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import type { ProductionStack } from './productionStack.ts';

/** What one attempt got back: an HTTP status or a WebSocket close code, the first error code, and the whole answer. */
export interface Outcome {
  status: number;
  code: string | undefined;
  text: string;
}

interface Answer {
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Outcome> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as Answer).errors?.[0]?.extensions?.code;
  } catch {}
  return { status: response.status, code, text };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A graphql-ws socket past connection_init (or closed before it): raw, so the test sees every frame and close code. */
export async function openSocket(gatewayUrl: string, token: string) {
  const socket = new WebSocket(gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  socket.on('error', () => {});
  const messages: { type: string; id?: string; payload?: unknown }[] = [];
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: bearer(token) }));
  const acked = await Promise.race([
    (async () => {
      while (!messages.some((m) => m.type === 'connection_ack')) await new Promise((r) => setTimeout(r, 5));
      return true;
    })(),
    closed.then(() => false),
  ]);
  return {
    socket,
    acked,
    messages,
    closed,
    subscribe(id: string, query: string, variables: Record<string, unknown> = {}) {
      socket.send(JSON.stringify({ type: 'subscribe', id, payload: { query, variables } }));
    },
    close: () => socket.close(),
  };
}

/** The errors the gateway sent on a subscription id, once it has answered it. */
export async function subscriptionError(socket: Awaited<ReturnType<typeof openSocket>>, id: string) {
  for (let i = 0; i < 200; i++) {
    const error = socket.messages.find((m) => m.id === id && m.type === 'error');
    if (error) return JSON.stringify(error.payload);
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}

/** The standard introspection query (GraphiQL's) with its `__schema` selection asked `times` times under aliases. */
function aliasedFullIntrospection(times: number, salt: number): string {
  const query = getIntrospectionQuery();
  const start = query.indexOf('__schema {');
  let end = query.indexOf('{', start);
  for (let depth = 0; ; end++) {
    if (query[end] === '{') depth++;
    if (query[end] === '}' && --depth === 0) break;
  }
  const aliased = Array.from({ length: times }, (_, i) => `s${salt}_${i}: ${query.slice(start, end + 1)}`).join('\n');
  return `${query.slice(0, start)}${aliased}${query.slice(end + 1)}`;
}

function introspectionAliases(count: number, salt: number) {
  return `{ ${Array.from({ length: count }, (_, i) => `a${salt}_${i}: __schema { types { name fields { name } } }`).join(' ')} }`;
}

/**
 * One attempt at each bypass the review found, as the attacker sent it (varied by `i`, so that no cache answers for
 * the limits). Each resolves with what came back.
 */
export function bypasses(stack: ProductionStack, viewer: string, noRole: string) {
  const gateway = stack.gateway.url;
  return {
    /** 480 aliased introspections in under 100 KB (each returned 30 MB in the review). */
    aliasedIntrospection: (i: number) => post(gateway, { query: introspectionAliases(480, i) }, bearer(viewer)),
    /** Full introspections within the token limit: measured like any field, over the cost limit. */
    introspectionWithinTokens: (i: number) => post(gateway, { query: aliasedFullIntrospection(3, i) }, bearer(viewer)),
    /** The 131-byte query nesting unbounded lists that took core to 4.5 GB. */
    nestedUnboundedLists: (i: number) =>
      post(
        gateway,
        { query: `{ site(code: "S${i}") { containers { site { containers { site { containers { code } } } } } } }` },
        bearer(viewer),
      ),
    /** A page size hidden in a variable's default. */
    variableDefault: (i: number) =>
      post(
        gateway,
        { query: `query Q${i}($n: Int = 100000) { alerts(first: $n) { id container { code site { name } } } }` },
        bearer(viewer),
      ),
    /** A token signed with the gateway's key that never expires (an issuer's mistake, or a leaked long-lived one). */
    tokenWithoutExpiry: async (i: number) => {
      const forever = await new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(`forever-${i}`)
        .setIssuedAt()
        .sign(new TextEncoder().encode(stack.jwtSecret));
      return post(gateway, { query: '{ sites { code } }' }, bearer(forever));
    },
    /** A genuine sealed identity replayed to core a year later, bypassing the gateway. */
    replayedIdentityCore: async (i: number) => {
      const old = await sealIdentity(
        { subject: `admin-${i}`, roles: ['admin'] },
        stack.secret,
        Date.now() - 365 * 86_400_000,
      );
      return post(stack.core.url, { query: '{ sites { code } }' }, { 'x-bst-identity': old });
    },
    /** The same against the twin. */
    replayedIdentityTwin: async (i: number) => {
      const old = await sealIdentity({ subject: `admin-${i}`, roles: ['admin'] }, stack.secret, Date.now() - 3_600_000);
      return post(stack.twin.url, { query: '{ ingestStats { accepted } }' }, { 'x-bst-identity': old });
    },
    /** A token with no known role reading the twin's alerts, dead letters and counters. */
    twinWithoutRole: (i: number) =>
      post(
        gateway,
        { query: `query R${i} { deadLetters { payload } ingestStats { accepted } alerts { id } }` },
        bearer(noRole),
      ),
    /** A NUL character in a code: Postgres answered with the SQL and its parameters. */
    nulInCode: (i: number) =>
      post(
        gateway,
        { query: 'query ($c: String) { container(code: $c) { code } }', variables: { c: `BOX-${i}\u0000` } },
        bearer(viewer),
      ),
    /** A cursor no page ever issued: the SQL error came back with the statement. */
    extremeCursor: (i: number) =>
      post(
        gateway,
        {
          query: 'query ($a: String) { auditLog(first: 1, after: $a) { totalCount } }',
          variables: { a: Buffer.from(JSON.stringify({ k: 1e300 + i })).toString('base64url') },
        },
        bearer(viewer),
      ),
    /** The once unpaginated list, asked for more than a page (cheap enough for the cost limit to let it through). */
    unpagedUnregistered: () => post(gateway, { query: '{ unregisteredCodes(first: 5000) { code } }' }, bearer(viewer)),
    /** A 20 MiB subscribe message (accepted and forwarded in the review). */
    oversizeMessage: async (i: number, payload: string): Promise<Outcome> => {
      const socket = await openSocket(gateway, viewer);
      socket.subscribe(`${i}`, `subscription { liveState(containerCodes: ["${payload}"]) { containerCode } }`);
      const code = await socket.closed;
      return { status: code, code: undefined, text: '' };
    },
  };
}

export type Bypasses = ReturnType<typeof bypasses>;
