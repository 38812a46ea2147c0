/**
 * @module The mission configuration as data: the shape of `idoc.json` as written (`ConfigFile`, mirroring
 * `schemas/config.schema.json`, which is the source of truth — `schema.test.ts` checks the two agree) and the
 * resolved {@link MissionConfig} the rest of idoc reads.
 */
import type { PacketProfile } from '../ccsds/profile.js';
import type { CrcMode, CrcSetting } from '../ccsds/crc-policy.js';

/** What an APID's packets carry. */
export type ApidKind = 'housekeeping' | 'science' | 'event' | 'time' | 'dump' | 'other';

/** One APID or contiguous APID range the mission declares (resolved: a single APID is `from === to`). */
export interface ApidDeclaration {
  /** Inclusive range; `from === to` for a single APID. */
  apids: { from: number; to: number };
  /** Unique name of the packet stream. */
  name: string;
  /** Producing instrument: the entry's own, else the mission's `instrument`, else absent. */
  instrument?: string;
  kind: ApidKind;
  /** Nominal cadence in seconds, for gap detection. */
  periodSeconds?: number;
  /** CRC use of these APIDs (overrides the profile's). */
  crc?: CrcMode;
  description?: string;
}

/** A configuration ready to use: presets applied, epochs converted to TAI, APIDs as ranges. */
export interface MissionConfig {
  /** Absolute path of the file it came from (`undefined` = built-in defaults). */
  file: string | undefined;
  mission: { name: string; spacecraft?: string; instrument?: string; spacecraftId?: number };
  profile: PacketProfile;
  apids: ApidDeclaration[];
  /** Largest whole packet accepted, in octets. Default 65542. */
  maxPacketLength: number;
  /** The parsed JSON, for sections later issues define (feeds, routes, products, archive). */
  raw: unknown;
}

// ---- The file as written (after schema validation). Keep in step with schemas/config.schema.json. ----

export interface ConfigFile {
  $schema?: string;
  mission: ConfigFileMission;
  packets?: ConfigFilePackets;
  apids?: ConfigFileApid[];
  feeds?: Record<string, unknown>;
  routes?: Record<string, unknown>;
  products?: Record<string, unknown>;
  archive?: Record<string, unknown>;
  time?: Record<string, unknown>;
  ephemeris?: Record<string, unknown>;
  preservation?: Record<string, unknown>;
}

export interface ConfigFileMission {
  name: string;
  spacecraft?: string;
  instrument?: string;
  spacecraftId?: number;
}

export interface ConfigFilePackets {
  profile?: 'pus-c' | 'pus-a' | 'rosetta' | 'cds' | 'cuc' | 'none';
  crc?: CrcSetting;
  time?: ConfigFileCucTime | ConfigFileCdsTime;
  pusA?: ConfigFilePusA;
  pusCSpareOctets?: number;
  /** PUS-C spacecraft time reference status values meaning "not synchronised" (mission-defined, 0..15). */
  pusCUnsynchronisedTimeReference?: number[];
  maxPacketLength?: number;
}

/** How `epoch` is read: UTC (leap seconds applied) or TAI digits. */
export type EpochScale = 'UTC' | 'TAI';

export interface ConfigFileCucTime {
  code: 'cuc';
  coarseOctets?: number;
  fineOctets?: number;
  pField?: boolean;
  epoch?: string;
  epochScale?: EpochScale;
  syncFlagInMsb?: boolean;
}

export interface ConfigFileCdsTime {
  code: 'cds';
  dayOctets?: 2 | 3;
  subMs?: 'none' | 'us' | 'ps';
  pField?: boolean;
  epoch?: string;
  epochScale?: EpochScale;
}

export interface ConfigFilePusA {
  subcounter?: boolean;
  destinationOctets?: number;
  spareOctets?: number;
  tcSourceOctets?: number;
}

export interface ConfigFileApid {
  apid?: number;
  apids?: [number, number];
  name: string;
  instrument?: string;
  kind: ApidKind;
  periodSeconds?: number;
  crc?: CrcMode;
  description?: string;
}
