/**
 * @module Packet profiles: how a mission lays out what follows the primary header. The secondary header
 * is mission-dependent (formats.md §2), so it is data, not code: a profile names the header kind and
 * its options, and `secondary-header.ts` reads it.
 */
import type { CrcSetting } from './crc-policy.js';

/** Time code carried in the secondary header (CCSDS 301.0-B-4). */
export type TimeCodeSpec =
  | {
      readonly code: 'cuc';
      /** Coarse time octets, 1..7 (4 is usual). */
      readonly coarseOctets: number;
      /** Fine time octets, 0..10 (2 is usual: LSB 2^-16 s). */
      readonly fineOctets: number;
      /** True when a P-field precedes the T-field in each packet (then it overrides the octet counts). */
      readonly pField: boolean;
      /** Epoch as TAI seconds since 1958-01-01T00:00:00 TAI (0 = the CCSDS epoch). */
      readonly epochTai: number;
      /** True when the coarse MSB flags "not synchronised" and is not part of the count (Rosetta, §2.1). */
      readonly syncFlagInMsb: boolean;
    }
  | {
      readonly code: 'cds';
      /** 16- or 24-bit day segment. */
      readonly dayOctets: 2 | 3;
      /** Sub-millisecond segment: none, 16-bit microseconds or 32-bit picoseconds. */
      readonly subMs: 'none' | 'us' | 'ps';
      readonly pField: boolean;
      /** Epoch as TAI seconds since 1958-01-01 TAI (0 = the CCSDS epoch). */
      readonly epochTai: number;
    };

/**
 * The secondary-header kinds idoc knows. `cds` and `cuc`: the secondary header is only a time code (CCSDS
 * 133.0-B-2 §4.1.4.2.1 allows a time code field alone), as NOAA-20/JPSS (CDS day/ms/µs) or IMAP (CUC).
 */
export type SecondaryHeaderKind = 'pus-c' | 'pus-a' | 'rosetta' | 'cds' | 'cuc' | 'none';

/** Optional fields of the PUS-A TM data field header (ECSS-E-70-41A §5.3.1; mission tailoring). */
export interface PusAOptions {
  /** A packet subcounter octet follows the subtype. Default false. */
  readonly subcounter: boolean;
  /** Octets of destination ID after that (0 when absent). Default 0. */
  readonly destinationOctets: number;
  /** Spare octets after the time field. Default 0. */
  readonly spareOctets: number;
  /** TC source ID octets (0 when absent). Default 0. */
  readonly tcSourceOctets: number;
}

/** Everything needed to read a mission's packets beyond the primary header. */
export interface PacketProfile {
  readonly secondaryHeader: SecondaryHeaderKind;
  /** Time code of TM packets (ignored with `none`). */
  readonly time: TimeCodeSpec;
  /** CRC use of every APID (per-APID overrides live in the config's APID declarations): see crc-policy.ts. */
  readonly crc: CrcSetting;
  /** Only with pus-a. */
  readonly pusA: PusAOptions;
  /** Spare octets after the PUS-C TM time field (mission tailoring). Default 0. */
  readonly pusCSpareOctets: number;
  /**
   * PUS-C TM: the spacecraft time reference status values (ECSS-E-ST-70-41C §7.4.3.1: the low 4 bits of the first
   * secondary header octet, formats.md §2.3) that say the on-board time was not synchronised, as a 16-bit mask
   * (bit v set: status v is unsynchronised). Their meaning is mission-defined; 0 (default): the field is not read.
   */
  readonly pusCUnsynchronisedTimeReference: number;
}

export const DEFAULT_PUS_A: PusAOptions = { subcounter: false, destinationOctets: 0, spareOctets: 0, tcSourceOctets: 0 };

/** CUC 4+2 with the CCSDS epoch: the usual PUS TM time field. */
export const DEFAULT_TIME: TimeCodeSpec = { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: false, epochTai: 0, syncFlagInMsb: false };

/** The profile used when nothing is configured: PUS-C, CUC 4+2 CCSDS epoch, CRC decided from the data. */
export const DEFAULT_PROFILE: PacketProfile = {
  secondaryHeader: 'pus-c',
  time: DEFAULT_TIME,
  crc: 'auto',
  pusA: DEFAULT_PUS_A,
  pusCSpareOctets: 0,
  pusCUnsynchronisedTimeReference: 0,
};

/** CDS with a 16-bit day, ms of day and 16-bit µs, CCSDS epoch (NOAA-20/JPSS secondary header). */
export const CDS_US_TIME: TimeCodeSpec = { code: 'cds', dayOctets: 2, subMs: 'us', pField: false, epochTai: 0 };

/** Named presets accepted by `--profile` and the config's `packets.profile`. */
export const PROFILE_PRESETS: Readonly<Record<string, PacketProfile>> = {
  'pus-c': DEFAULT_PROFILE,
  'pus-a': { ...DEFAULT_PROFILE, secondaryHeader: 'pus-a' },
  // Rosetta/MEX heritage (formats.md §2.1): 10-octet header, time first, coarse MSB = not synchronised,
  // epoch 2003-01-01T00:00:00 UTC = TAI 1420070432 s since 1958 (UTC days + 32 s TAI-UTC).
  rosetta: {
    ...DEFAULT_PROFILE,
    secondaryHeader: 'rosetta',
    time: { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: false, epochTai: 1420070432, syncFlagInMsb: true },
    crc: 'yes',
  },
  // Time code only (no PUS fields): NOAA-20/JPSS CDS 2+4+2 from 1958, and CUC 4+2 (refine with --time/--epoch).
  cds: { ...DEFAULT_PROFILE, secondaryHeader: 'cds', time: CDS_US_TIME },
  cuc: { ...DEFAULT_PROFILE, secondaryHeader: 'cuc' },
  none: { ...DEFAULT_PROFILE, secondaryHeader: 'none', crc: 'auto' },
};
