/** connecting: no answer yet; online: the live connection is up; offline: the gateway cannot be reached. */
export type BackendState = 'connecting' | 'online' | 'offline';

export interface BackendStatus {
  state: BackendState;
  /** When the state last changed (epoch ms). */
  since: number;
  /** When the page last heard from the backend (epoch ms), null before the first answer. */
  lastContact: number | null;
}

export function initialBackendStatus(now = Date.now()): BackendStatus {
  return { state: 'connecting', since: now, lastContact: null };
}

/** The next status after an observation: a success anywhere means online, a failed contact means offline. */
export function observe(
  status: BackendStatus,
  observation: 'reachable' | 'unreachable' | 'live-connected' | 'live-closed',
  now = Date.now(),
): BackendStatus {
  const online = observation === 'reachable' || observation === 'live-connected';
  const lastContact = online ? now : status.lastContact;
  // A successful HTTP answer while the live socket is still down is not yet "online": the feed is not live.
  if (observation === 'reachable' && status.state !== 'online') return { ...status, lastContact };
  const state = online ? 'online' : 'offline';
  return state === status.state ? { ...status, lastContact } : { state, since: now, lastContact };
}
