import type { SavedFeed } from '../model/alertFeed.ts';

const feedKey = 'bst.alertFeed';

/** The feed a previous visit left, if it is one this page can read (anything else is dropped). */
export function loadSavedFeed(): SavedFeed | null {
  try {
    const saved = JSON.parse(localStorage.getItem(feedKey) ?? 'null') as Partial<SavedFeed> | null;
    if (saved?.version !== 1 || typeof saved.cursor !== 'string' || !Array.isArray(saved.cards)) return null;
    return saved as SavedFeed;
  } catch {
    return null;
  }
}

export function saveFeed(saved: SavedFeed | null): void {
  try {
    if (saved) localStorage.setItem(feedKey, JSON.stringify(saved));
    else localStorage.removeItem(feedKey);
  } catch {
    // Storage full or refused (private mode): the page still works, it only takes a snapshot after a reload.
  }
}
