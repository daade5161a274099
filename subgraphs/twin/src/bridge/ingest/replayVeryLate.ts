import {
  type Checkpoint,
  type MonitorState,
  ReplayInputError,
  type ReplayOutcome,
  replayLateReadings,
  type StorageProfile,
} from '@bst/coldchain';
import type { ArchiveRepository } from '../../archive/ArchiveRepository.ts';
import type { History } from '../../archive/createHistory.ts';
import { restoreArchivedAlerts } from '../../archive/restoreArchivedAlerts.ts';
import { type EntityRef, entityKey, storedAlertId, type TwinReading, type TwinStore } from '../../store/index.ts';

/**
 * Replays a reading the engine found older than its reorder horizon (`needs-replay`): null when the stored series does
 * not fit the state (the reading is then kept in history only).
 */
export type ReplayVeryLate = (
  entity: EntityRef,
  state: MonitorState,
  reading: TwinReading,
  replayBefore: number,
  profile: StorageProfile,
) => Promise<ReplayOutcome | null>;

/** The later of two checkpoints (either may be missing): the shorter replay. */
function later(a: Checkpoint | null, b: Checkpoint | null): Checkpoint | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.at >= b.at ? a : b;
}

/**
 * Replays from the latest checkpoint before the reading, the hot window's or else the archive's, and the series the
 * engine folded after it (hot window and archive as one), so the alerts come out as if the reading had arrived in
 * order, corrections marked late. The alerts its corrections touch that already left the store (ended, past its keep)
 * are restored from the archive first, so each correction continues its alert's log.
 */
export function replayFrom(
  store: TwinStore,
  history: History,
  archive: ArchiveRepository | null,
  onMisfit: (entity: EntityRef, reading: TwinReading, error: Error) => void = () => {},
): ReplayVeryLate {
  return async (entity, state, reading, replayBefore, profile) => {
    // A redelivery (a broker restored from an older save, a bridge that stored it and died before its PUBACK): a
    // duplicate, found with one look-up instead of a replay of up to an hour of series.
    if ((await history.range(entity, reading.at, reading.at)).length > 0) {
      return { state, events: [], accepted: ['duplicate'], checkpoints: [], replayed: 0 };
    }
    const key = entityKey(entity);
    const [hot, archived] = await Promise.all([
      store.checkpointBefore(entity, replayBefore),
      archive
        ? archive.checkpointsAt([key], replayBefore, true).then((found) => found.get(key) ?? null)
        : Promise.resolve(null),
    ]);
    const checkpoint = later(hot, archived);
    const latestAt = state.latestAt ?? reading.at;
    const series = await history.range(entity, checkpoint === null ? 0 : checkpoint.at + 1, latestAt);
    let outcome: ReplayOutcome;
    try {
      outcome = replayLateReadings(
        state,
        // Stored since the look-up above (another instance): the series holds it and the replay finds it a duplicate.
        { checkpoint, series, late: [reading] },
        profile,
      );
    } catch (error) {
      if (error instanceof ReplayInputError) {
        onMisfit(entity, reading, error);
        return null;
      }
      throw error;
    }
    const touched = outcome.events.map((event) => storedAlertId(entity, event.alertId));
    const { incomplete } = await restoreArchivedAlerts(store, archive, touched);
    if (incomplete.length > 0) {
      // Its positions would collide with the archived ones: the reading is kept in history only, like a misfit.
      onMisfit(entity, reading, new Error(`the archive holds part of the log of ${incomplete.join(', ')}`));
      return null;
    }
    return outcome;
  };
}
