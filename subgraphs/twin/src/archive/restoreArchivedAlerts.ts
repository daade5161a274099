import type { TwinStore } from '../store/index.ts';
import type { ArchiveRepository } from './ArchiveRepository.ts';

/**
 * Puts back into the store those of `alertIds` that left it (ended alerts leave Redis after `endedAlerts.keepMs`) and
 * that the archive holds, before a transition of theirs is committed: a replay's correction or an acknowledgement then
 * continues the alert's log at the position after the archive's last, instead of starting a new log whose first
 * transitions would collide with the archived ones. An id the store still holds a log of, or the archive does not know,
 * is left alone. The archive's log must be whole (positions 1…n): one with a hole (its first months dropped by the
 * archive's retention) is not restored and is returned as incomplete, for the caller to report.
 */
export async function restoreArchivedAlerts(
  store: TwinStore,
  archive: ArchiveRepository | null,
  alertIds: Iterable<string>,
): Promise<{ restored: string[]; incomplete: string[] }> {
  const restored: string[] = [];
  const incomplete: string[] = [];
  if (archive === null) return { restored, incomplete };
  const ids = [...new Set(alertIds)];
  const held = await Promise.all(ids.map(async (id) => (await store.alertEvents(id)).length > 0));
  const gone = ids.filter((_, i) => !held[i]);
  if (gone.length === 0) return { restored, incomplete };
  const transitions = await archive.alertTransitions(gone);
  for (const id of gone) {
    const log = transitions.filter((t) => t.alertId === id);
    if (log.length === 0) continue;
    if (log.some((t, i) => t.position !== i + 1)) incomplete.push(id);
    else if (
      await store.restoreAlert(
        id,
        log.map((t) => t.event),
      )
    )
      restored.push(id);
  }
  return { restored, incomplete };
}
