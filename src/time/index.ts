/**
 * @module Time: CCSDS time codes (CUC, CDS), TAI ↔ UTC with a leap-second table that can be updated, and
 * on-board time correlation. Inside idoc times are {@link TaiSeconds}; outside they are UTC ISO-8601 with Z.
 */
export { DAYS_1958_TO_1970, MJD_UNIX_EPOCH, SECONDS_PER_DAY, TAI_UNIX_OFFSET, asTai, asUtcUnix, asUtcUnixMs, type Tai, type TaiSeconds, type UtcUnix, type UtcUnixMs } from './tai.js';
// CCSDS Unsegmented Time Code (301.0-B-4 §3.2)
export { CucTimeCodeId, cucLength, cucPFieldLength, decodeCuc, encodeCuc, encodeCucInto, type CucSpec, type CucValue } from './cuc.js';
// CCSDS Day Segmented Time Code (301.0-B-4 §3.3)
export { CDS_TIME_CODE_ID, cdsLength, cdsPField, decodeCds, encodeCds, encodeCdsInto, type CdsScale, type CdsSpec, type CdsValue } from './cds.js';
// Leap seconds: tables, the active table and its storage
export {
  BUNDLED_LEAP_SECONDS,
  expiresUnixMs,
  formatLeapSecondFile,
  mjdOf,
  parseLeapSecondFile,
  type LeapSecondEntry,
  type LeapSecondTable,
} from './leap-second-table.js';
export {
  activeLeapSeconds,
  idocHome,
  leapTableExpired,
  readStoredLeapSeconds,
  setLeapSecondTable,
  storeLeapSecondFile,
  storedLeapSecondPath,
} from './leap-second-store.js';
// UTC ↔ TAI
export { inLeapSecond, taiMinusUtc, taiToUnixMs, taiToUtcDay, taiToUtcIso, taiToUtcUnix, utcToTai, utcUnixToTai } from './utc.js';
// On-board time correlation
export { correlationIndex, obtToTai, obtToUtcUnix, type CorrelationCoefficients, type CorrelationRecord } from './correlation.js';
// The three times of a packet, the chosen axis, correlation fits (the `time` config section: ./config.ts)
export {
  DEFAULT_DUPLICATE_WINDOW_SECONDS, DEFAULT_PLAUSIBLE_SPAN_DAYS, DEFAULT_TIME_SETTINGS, EARLIEST_DEFAULT_TAI, PacketTimer, TIME_STATUS_NAMES,
  TimeStatus, coveringSet, rulesOf, type CorrelationSet, type TimeAxis, type TimeRules, type TimeSettings, type TimeStatusCode, type TimeStatusName,
} from './packet-times.js';
export { fitCorrelation, parseTimeCouples, type CorrelationFit, type TimeCouple } from './correlation-fit.js';
export { obtFlaggedUnsynchronised } from './obt-flag.js';
// UTC instants as written (luxon): --from/--to, plan and ITL/EVF times
export { parseUtcParts, utcTextProblem, utcTextToTai, utcTextToUnixMs, type UtcParts } from './utc-text.js';
