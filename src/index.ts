/**
 * @module The package root, `idoc` (issue 15): the contracts and foundations every domain builds on — the packet
 * (CCSDS space packet view, headers, CRC, building), time (CUC/CDS, UTC ↔ TAI with leap seconds, branded instants),
 * the mission context and config, the mission database (TM and TC), the archive port, and the error classes.
 * Domains: `idoc/telemetry`, `idoc/telecommand`, `idoc/planning`; the archive port alone: `idoc/archive`; its
 * SQLite implementation: `idoc/archive/sqlite`.
 */
// Packet
export { acquiredMs, groundKindOf, type DdsHeader, type GroundKind, type PacketView } from './ccsds/packet-view.js';
export {
  IDLE_APID, MAX_PACKET_LENGTH, MIN_PACKET_LENGTH, PRIMARY_HEADER_LENGTH, PacketType, SEQUENCE_FLAG_NAMES, SEQUENCE_MODULO, SequenceFlags,
  apidAt, decodePrimaryHeader, encodePrimaryHeader, packetLengthAt, packetLengthOf, sequenceCountAt, sequenceStep, type PrimaryHeader,
} from './ccsds/primary-header.js';
export { decodeSecondaryHeader, packetTimeOf, timeOffsetOf, type SecondaryHeader, type SecondaryHeaderResult } from './ccsds/secondary-header.js';
export { crc16, pecOk } from './ccsds/crc16.js';
export { buildPacket, pusCTmSecondaryHeader, type PacketSpec } from './ccsds/packet.js';
export { DEFAULT_PROFILE, PROFILE_PRESETS, type PacketProfile } from './ccsds/profile.js';
// Time
export * from './time/index.js';
// Mission context and config
export { loadMission, resolveMission, type Mission, type MissionFlags } from './config/mission.js';
export { apidDeclarations, routeTable, routeLookup, defaultConfig, findConfig, loadConfig, type MissionConfig } from './config/index.js';
// Mission database (TM and TC)
export * from './mdb/index.js';
// The archive port
export type * from './archive/port.js';
export { PackedBatchBuilder, packetDigest } from './archive/index.js';
// Where commands write, exit codes
export { ExitCode, type Io } from './io.js';
// Errors
export { InputError, UsageError, formatOffset, type Problem } from './errors.js';
