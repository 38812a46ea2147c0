/**
 * @module Framing: byte streams → packets. Public door of telemetry/framing.
 */
// Contract
export type { Batch, FramedPacket, GroundKind, Skip, SkipReason, SplitOptions, Splitter } from './types.js';
export { acquiredMs, emptyBatch, groundKindOf } from './types.js';
// Framings
export { createRawSplitter } from './raw/reader.js';
export { createPrefixSplitter } from './prefix/reader.js';
export { createDdsSplitter, ddsHeaderConsistent } from './dds/reader.js';
export { DDS_HEADER_LENGTH, decodeDdsHeader, encodeDdsHeader, GROUND_STATIONS, type DdsHeader } from './dds/layout.js';
export { createCaptureSplitter } from './capture.js';
// Choosing and reading
export { detectFraming, DETECT_BYTES, type FramingChoice, type FramingName } from './detect.js';
export { chooseCrc, type CrcChoice } from './crc-choice.js';
export { openPacketFile, splitBuffer, createSplitter, decide, type PacketSource, type ReadOptions } from './read.js';
export { createRedecidingSplitter, REDECIDE_WINDOW, type RedecidingSplitter } from './redecide.js';
