import {
  type Checkpoint,
  type MonitorState,
  ReplayInputError,
  type ReplayOutcome,
  replayLateReadings,
  type StorageProfile,
} from '@bst/coldchain';
import { createHistory } from '../../archive/createHistory.ts';
import { type EntityRef, entityKey, type TwinReading } from '../../store/index.ts';
import type { IngestContext } from './ingestReading.ts';

/** The later of two checkpoints (either may be missing): the shorter replay. */
function later(a: Checkpoint | null, b: Checkpoint | null): Checkpoint | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.at >= b.at ? a : b;
}

/**
 * A reading older than the engine's reorder horizon (`needs-replay`): replays it against the stored series from the
 * latest checkpoint before it, the hot window's or else the archive's, so its alerts come out as if it had arrived in
 * order (corrections marked late). Null when the stored series does not fit the state (a ReplayInputError): the
 * reading is then kept in history only, as before there was an archive.
 */
export async function replayVeryLate(
  context: IngestContext,
  entity: EntityRef,
  state: MonitorState,
  reading: TwinReading,
  replayBefore: number,
  profile: StorageProfile,
): Promise<ReplayOutcome | null> {
  const archive = context.archive ?? null;
  const [hot, archived] = await Promise.all([
    context.store.checkpointBefore(entity, replayBefore),
    archive
      ? archive
          .checkpointsAt([entityKey(entity)], replayBefore, true)
          .then((found) => found.get(entityKey(entity)) ?? null)
      : Promise.resolve(null),
  ]);
  const checkpoint = later(hot, archived);
  const history = context.history ?? createHistory(context.store, archive);
  const latestAt = state.latestAt ?? reading.at;
  const series = await history.range(entity, checkpoint === null ? 0 : checkpoint.at + 1, latestAt);
  try {
    return replayLateReadings(
      state,
      { checkpoint, series: series.filter((r) => r.at !== reading.at), late: [reading] },
      profile,
    );
  } catch (error) {
    if (error instanceof ReplayInputError) {
      context.onReplayError?.(entity, reading, error);
      return null;
    }
    throw error;
  }
}
