import type { Identity } from '@bst/identity';
import { anonymousViewer } from '../auth/index.ts';

/** Whose bucket an operation spends: the verified JWT subject, else (no or bad token) the remote address. */
export function rateLimitKey(identity: Identity | undefined, remoteAddress: string | undefined): string {
  if (identity && identity !== anonymousViewer) return `subject:${identity.subject}`;
  return `address:${remoteAddress ?? 'unknown'}`;
}
