import type { ResultOf } from '../graphql.ts';
import type { AlertFields, AlertSubscription } from '../operations.ts';

export type FeedAlert = ResultOf<typeof AlertFields>;
export type AlertEvent = ResultOf<typeof AlertSubscription>['alertEvents'];
export type Transition = AlertEvent['transition'];

/** The alert as it stands and the last transition the feed saw for it (null when it came from a snapshot). */
export interface AlertCard {
  alert: FeedAlert;
  transition: Transition | null;
  at: string | null;
  seenAt: number;
}

// A withdrawn alert stays greyed this long so the operator sees why it vanished.
const withdrawnVisibleMs = 10 * 60 * 1000;
const severityRank: Record<FeedAlert['severity'], number> = { CRITICAL: 0, WARNING: 1, INFO: 2 };

export const isActive = (card: AlertCard): boolean =>
  card.transition !== 'WITHDRAWN' && card.alert.state.startsWith('ACTIVE');

/**
 * The alert feed: a snapshot of current alerts plus the events since. Every (re)connect takes a fresh snapshot
 * (`beginResync` … `completeResync`), which replaces everything, so an alert the backend no longer knows (a restart,
 * a missed CLEARED) cannot linger as a ghost; events that arrive while the snapshot is in flight are replayed on it.
 */
export class AlertFeed {
  private cards = new Map<string, AlertCard>();
  private pending: { event: AlertEvent; seenAt: number }[] | null = null;
  /** The newest event cursor seen, for resuming with `alertEvents(after:)` once the graph offers it. */
  lastCursor: string | null = null;

  apply(event: AlertEvent, now = Date.now()): void {
    if (this.pending) this.pending.push({ event, seenAt: now });
    this.cards.set(event.alert.id, { alert: event.alert, transition: event.transition, at: event.at, seenAt: now });
    const cursor = (event as { cursor?: string | null }).cursor;
    if (cursor) this.lastCursor = cursor;
  }

  /** The alert as the operator's acknowledgement left it. */
  acknowledged(alert: FeedAlert, now = Date.now()): void {
    this.cards.set(alert.id, { alert, transition: 'ACKNOWLEDGED', at: alert.acknowledgedAt ?? null, seenAt: now });
  }

  beginResync(): void {
    this.pending = [];
  }

  completeResync(snapshot: readonly FeedAlert[], now = Date.now()): void {
    const replay = this.pending ?? [];
    this.pending = null;
    this.cards = new Map(snapshot.map((alert) => [alert.id, { alert, transition: null, at: null, seenAt: now }]));
    for (const { event, seenAt } of replay) {
      this.cards.set(event.alert.id, { alert: event.alert, transition: event.transition, at: event.at, seenAt });
    }
  }

  /** A failed snapshot keeps what the feed had. */
  abandonResync(): void {
    this.pending = null;
  }

  dropExpiredWithdrawn(now = Date.now()): boolean {
    let dropped = false;
    for (const [id, card] of this.cards) {
      if (card.transition === 'WITHDRAWN' && now - card.seenAt > withdrawnVisibleMs) {
        this.cards.delete(id);
        dropped = true;
      }
    }
    return dropped;
  }

  get(id: string): AlertCard | undefined {
    return this.cards.get(id);
  }

  activeFor(containerCode: string): FeedAlert[] {
    return [...this.cards.values()]
      .filter((card) => card.alert.container?.code === containerCode && isActive(card))
      .map((card) => card.alert);
  }

  /** The operator's to-do list on top: unacknowledged, then active, then critical first, each newest first. */
  sorted(): AlertCard[] {
    const rank = (card: AlertCard) =>
      card.transition === 'WITHDRAWN'
        ? 4
        : (card.alert.state.endsWith('UNACKNOWLEDGED') ? 0 : 2) + (card.alert.state.startsWith('ACTIVE') ? 0 : 1);
    return [...this.cards.values()].sort(
      (a, b) =>
        rank(a) - rank(b) ||
        severityRank[a.alert.severity] - severityRank[b.alert.severity] ||
        Date.parse(b.alert.startedAt) - Date.parse(a.alert.startedAt),
    );
  }
}
