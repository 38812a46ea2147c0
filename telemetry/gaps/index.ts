/**
 * @module The gap report (issue 3): sequence and cadence gaps per APID from the archive, as records, table, CSV,
 * and DDS re-requests for exactly the missing windows. Public door.
 */
export { CADENCE_FACTOR, findGaps, gapsOf, GapTracker, utcOf, type ArchiveReset, type Gap, type GapKind, type GapPoint, type GapQuery } from './find-gaps.js';
export { gapWindows, windowRequestId, writeGapRequests, type GapWindow } from './requests.js';
export { gapRecord, gapsCsv, gapsTable, resetRecord, type GapRecord, type ResetRecord } from './format.js';
export { archiveStatusReport, formatArchiveStatus, queryRecord, type ArchiveStatusReport } from './status.js';
