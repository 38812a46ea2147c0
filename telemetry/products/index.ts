/**
 * @module L0 products: sort, de-duplicate, check, reassemble and decompress packets of one route and window
 * (pure functions), and build versioned PDS4 (or PDS3) products from an iterable of packets. PDS4 label writing
 * and validation live in `pds4/`.
 */
// Data
export { QualityFlag, QUALITY_FLAG_DESCRIPTIONS, flagNames } from './types.js';
export type { L0Packet, L0Frame, L0Gap, L0Orphan, L0Summary, FrameStatus } from './types.js';
// Processing (pure)
export { sortPackets, sequenceDelta, type SortedPackets } from './sort.js';
export { checkPackets, type CheckOptions, type Checked } from './checks.js';
export { reassemble, DEFAULT_MAX_SEGMENTS, type RawFrame, type ReassembleOptions, type Reassembled } from './reassemble.js';
export {
  decodeScienceFrame, scienceFrameHeader, ScienceCodec, SCIENCE_FRAME_HEADER_LENGTH, DEFAULT_MAX_FRAME_LENGTH,
  type ScienceFrameHeader, type ScienceFrameResult,
} from './science-frame.js';
export { prepareCodecs } from './_codecs.js';
export { processStream, userDataOf, type Compression, type ProcessOptions, type ProcessedStream } from './process.js';
// Products
export { parseWindow, windowFunction, type ProductWindow, type WindowSpec, type OrbitNumbering } from './window.js';
export { apidsOfNamedRoutes, productsConfig, routeToken, selectRoutes, PRODUCTS_SCHEMA_FILE, type ProductsConfig, type RouteConfig } from './config.js';
export { encodeIndex, PACKET_INDEX_FIELDS, FRAME_INDEX_FIELDS, PACKET_RECORD_LENGTH, FRAME_RECORD_LENGTH, type EncodedIndex } from './index-file.js';
export { pds3Label, type Pds3LabelInput } from './pds3-label.js';
export { buildL0, buildWindows, defaultRoute, orbitsFor, type BuildOptions, type BuildReport, type BuiltProduct, type PacketInput, type WindowBatch } from './build.js';
export { listL0, type ListedProduct, type ListedCollection } from './list.js';
export { packetsFromFiles, type FileReadStats } from './from-files.js';
// Orbit windows from an ephemeris: `./orbit-windows.js` (orbitNumbering, orbitNumberingFromFile), not re-exported
// here: it loads planning; `orbitsFor` loads it when the window is `orbit`.
// The sample chain (`idoc demo`) is `./sample-chain.js`, not re-exported here: it loads feeds, ingest and the store.
export { releaseReadBuffers } from '../../src/store/scan.js';
export { archiveWindows, archiveRoutes, buildL0FromArchive, releasePieceBuffers, type ArchiveSelection, type ArchiveReadStats } from './from-archive.js';
export { verifyProductFiles, labelFiles, type ProductFixityProblem, type ProductFixityReport } from './label-fixity.js';
export { buildL0FromMission, type MissionBuild, type MissionSource } from './from-mission.js';
