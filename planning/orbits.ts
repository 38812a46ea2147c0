/**
 * @module The orbit half of planning (ephemerides, geometry, events, windows, renderings) without plans,
 * requests and validation: what `idoc orbit` loads, so that it starts without the JSON-Schema machinery the
 * plan files need. Everything here is also exported by `planning/index.ts`.
 */
export type { Ephemeris, EphemerisOptions, StateResult } from './ephemeris/types.js';
export { ephemerisFromFile, ephemerisFromText } from './ephemeris/load.js';
export { isoUtc, parseIsoDuration, parseUtcInstant } from './ephemeris/epoch.js';
export { parseStation, stationFrame, type Station } from './geometry/station.js';
export { geometryRecord, sampleFromState } from './geometry/sample.js';
export { EVENT_KINDS, type EventKind } from './events/conditions.js';
export { coveredParts } from './events/find.js';
export { findEvents } from './events/events.js';
export { orbitCounter } from './events/orbit-number.js';
export { notWindows } from './events/windows.js';
export { eventsCsv, eventsText, geometryCsvHeader, geometryCsvRow, geometryJson, geometryText } from './report.js';
export { loadSpkFiles, type SpkSet } from './ephemeris/spk/spk-set.js';
export { spkEphemeris } from './ephemeris/spk/spk-ephemeris.js';
export { withCenterName, withCentralBody } from './geometry/central-body.js';
