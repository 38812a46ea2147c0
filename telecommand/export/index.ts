/** @module Uplink export formats: PUS TC[11,4] time-tagged commands and stacks, EPS/MAPPS ITL, POR request files. */
export { wrapTimeTagged, type TimeTaggedOptions, type TimeTaggedTc } from './time-tagged.js';
export { exportPusStack, type PusStack, type PusStackOptions, type StackPacket } from './pus-stack.js';
export { formatItl, parseItl, parseEvf, itlTime, parseItlTime, type ExportRecord, type ItlImport, type ProfilePoint, type Timeline, type TimelineCommand } from './itl.js';
export { formatPor, porRequestId, porTime } from './por.js';
export { RELEASE_FORMATS, checkReleaseOptions, releasePlan, type ReleaseFormat, type ReleaseRequest, type ReleaseResult } from './release.js';
