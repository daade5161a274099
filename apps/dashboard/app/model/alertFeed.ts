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

/** What the page keeps across a reload: the feed as it stood and the cursor to resume after. */
export interface SavedFeed {
  version: 1;
  cursor: string;
  cards: AlertCard[];
}

// A withdrawn alert stays greyed this long so the operator sees why it vanished.
const withdrawnVisibleMs = 10 * 60 * 1000;
const severityRank: Record<FeedAlert['severity'], number> = { CRITICAL: 0, WARNING: 1, INFO: 2 };

export const isActive = (card: AlertCard): boolean =>
  card.transition !== 'WITHDRAWN' && card.alert.state.startsWith('ACTIVE');

// Cards kept across a reload at most (the most recently seen); the feed itself holds what the session saw.
const maxSavedCards = 500;

/**
 * The alert feed: a snapshot of current alerts plus the events since, and the cursor of the last event. With a cursor
 * the page resumes (`alertEvents(after:)` replays what it missed, in order), across reconnects and reloads; without
 * one (first visit, or the cursor was refused) it takes a snapshot (`beginResync` … `completeResync`), which replaces
 * everything, so an alert the backend no longer knows cannot linger as a ghost; events that arrive while the snapshot
 * is in flight are replayed on it.
 */
export class AlertFeed {
  private cards = new Map<string, AlertCard>();
  private pending: { event: AlertEvent; seenAt: number }[] | null = null;
  /** The newest event's cursor: where `alertEvents(after:)` resumes. */
  lastCursor: string | null = null;

  apply(event: AlertEvent, now = Date.now()): void {
    if (this.pending) this.pending.push({ event, seenAt: now });
    this.cards.set(event.alert.id, { alert: event.alert, transition: event.transition, at: event.at, seenAt: now });
    this.lastCursor = event.cursor;
  }

  /** The cursor was refused (expired, or from a store since reset): forget everything and start from a snapshot. */
  forget(): void {
    this.cards.clear();
    this.pending = null;
    this.lastCursor = null;
  }

  /** What to keep across a reload; null without a cursor (a snapshot is then the only way back). */
  saved(): SavedFeed | null {
    if (!this.lastCursor) return null;
    const cards = [...this.cards.values()].sort((a, b) => b.seenAt - a.seenAt).slice(0, maxSavedCards);
    return { version: 1, cursor: this.lastCursor, cards };
  }

  restore(saved: SavedFeed): void {
    this.cards = new Map(saved.cards.map((card) => [card.alert.id, card]));
    this.pending = null;
    this.lastCursor = saved.cursor;
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
