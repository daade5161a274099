export {
  type ArchivedAlertEvent,
  type ArchivedCounts,
  ArchiveRepository,
  type ArchiverFigures,
  type StoredAlertRecord,
  type StoredRollup,
} from './ArchiveRepository.ts';
export {
  type ArchiveConfig,
  type ArchiverConfig,
  archiveConfig,
  archiverConfig,
  archiveVariables,
  configFromEnv as archiverConfigFromEnv,
  retentionMsOf,
} from './configFromEnv.ts';
export { createHistory, type History, type HistoryPageQuery, type HistoryRange } from './createHistory.ts';
export {
  type ArchiveDatabase,
  type ArchiveDatabaseOptions,
  archiveMigrations,
  openArchiveDatabase,
} from './db/openArchiveDatabase.ts';
export { dropPartitionsBefore, monthOf, partitionMonths } from './db/partitions.ts';
export { createArchiveMetrics } from './metrics.ts';
export { profileFingerprint } from './profileFingerprint.ts';
export { type ComplianceReader, type ComplianceRequest, createComplianceReader } from './readCompliance.ts';
export { type Archiver, type ArchiverOptions, type ArchiverStats, startArchiver } from './startArchiver.ts';
export { type ArchiveService, type ArchiveServiceOptions, startArchiveService } from './startArchiveService.ts';
