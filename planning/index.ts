/**
 * @module planning: orbit ephemerides (TLE through SGP4, CCSDS OEM in KVN and XML), geometry (frames,
 * geodetic coordinates, the Sun, eclipses, station look angles), the event finder and the windows algebra.
 * The only door other domains use.
 */
// Units, frames and shared types
export type { Deg, EcefVec3, EciVec3, Frame, GcrfVec3, Geodetic, InertialFrame, Interval, Km, KmPerS, Rad, StateVector, TemeVec3, UnixMs, Vec3 } from './geometry/types.js';
export { AU_KM, EARTH_ROTATION_RAD_S, SUN_RADIUS_KM, WGS84_A, WGS84_E2, WGS84_F } from './geometry/types.js';
// Ephemeris sources
export type { CoverageSpan, Ephemeris, EphemerisOptions, NoStateReason, StateResult } from './ephemeris/types.js';
export { detectEphemerisFormat, ephemerisFromFile, ephemerisFromText } from './ephemeris/load.js';
export { SGP4_ERRORS, parseTle, selectObject, tleChecksum, tleEphemeris, type ParseTleOptions, type TleRecord } from './ephemeris/tle.js';
export { parseOemKvn } from './ephemeris/oem-kvn.js';
export { parseOemXml } from './ephemeris/oem-xml.js';
export { DEFAULT_INTERPOLATION, type OemInterpolation, type OemMessage, type OemMetadata, type OemSegment } from './ephemeris/oem-segment.js';
export { DEFAULT_MAX_GAP_STEPS, interpolateSegment, oemEphemeris, segmentHoles, segmentSpan } from './ephemeris/oem.js';
export { checkEphemerisText, type EphemerisCheck } from './ephemeris/check.js';
export { formatOemKvn, formatOemXml, type OemSegmentInput } from './ephemeris/oem-write.js';
export { TIME_SYSTEMS, isoUtc, parseEpochMs, parseIsoDuration, parseUtcInstant, toUtcMs, type TimeSystem } from './ephemeris/epoch.js';
export { hermite, lagrange } from './ephemeris/interpolate.js';
// JPL SPK kernels (DAF; types 2, 3, 13)
export { DAF_RECORD_BYTES, readDaf, type Daf, type DafSummary } from './ephemeris/spk/daf.js';
export { J2000_FRAME_ID, SPK_TYPES, checkSpk, readSpk, type SpkKernel, type SpkSegment } from './ephemeris/spk/spk.js';
export { loadSpkFiles, spkSet, type SpkSet } from './ephemeris/spk/spk-set.js';
export { writeSpk, type SpkSegmentInput, type Type13Input, type Type2Input } from './ephemeris/spk/spk-write.js';
export { spkEphemeris } from './ephemeris/spk/spk-ephemeris.js';
export { etToUtc, tdbMinusTt, utcToEt } from './ephemeris/spk/et.js';
// Geometry
export {
  convertState, gcrfToItrf, gcrfToItrfMatrix, gmst, itrfToGcrf, itrfToTeme, julianDateUtc, nutation, temeToItrf, temeToItrfMatrix,
  type EarthRotationOptions,
} from './geometry/frames.js';
export { ecefToGeodetic, geodeticToEcef, groundTrackSpeed, upVector } from './geometry/geodetic.js';
export { sunPosition, sunPositionEcef, type SunPosition } from './geometry/sun.js';
export { shadowGeometry, type EclipseState, type ShadowGeometry } from './geometry/eclipse.js';
export { elevationDeg, lookAngles, parseStation, stationFrame, type LookAngles, type Station, type StationFrame } from './geometry/station.js';
export {
  geometryRecord, localSolarTime, sampleAt, sampleFromState, shadowOf, sunElevationAtSubSatellite, type GeometryRecord, type GeometrySample,
  type SampleOptions,
} from './geometry/sample.js';
// Central bodies other than the Earth (IAU WGCCRE 2015 rotation models, ellipsoids, SPK positions)
export { BODIES, OCCULTER_RADII_KM, bodyByName, type BodyModel } from './geometry/bodies.js';
export { bodyFixedMatrix, orientation, type Orientation, type PeriodicTerm, type RotationModel } from './geometry/iau-rotation.js';
export { ellipsoidOf, fromPlanetodetic, toPlanetodetic, type Ellipsoid } from './geometry/ellipsoid.js';
export { centralBody, withCenterName, withCentralBody, type CentralBody, type Occulter } from './geometry/central-body.js';
export { ephemerisSection, mergeEphemerisSource, type EphemerisSource } from './config.js';
// Events and windows
export {
  EVENT_KINDS, altitudeAbove, inUmbra, latitudeAbove, northOfEquator, receding, stationVisible, subSatelliteDay, sunlit,
  type Condition, type EventKind,
} from './events/conditions.js';
export { conditionWindows, coveredParts, maximise, scanConditions, type ConditionScan, type Crossing, type ScanOptions, type ScanResult } from './events/find.js';
export { findEvents, type EventOptions, type EventsResult, type OrbitEvent, type Pass } from './events/events.js';
export { orbitCounter, type OrbitCounter } from './events/orbit-number.js';
export {
  andWindows, inWindows, longerThan, minusWindows, normalizeWindows, notWindows, orWindows, totalDuration, type Windows,
} from './events/windows.js';
// Renderings
export { eventsCsv, eventsText, geometryCsvHeader, geometryCsvRow, geometryJson, geometryText } from './report.js';
// Plans, observation requests, generation and validation (the planning half of TC planning)
export * as plan from './plan/index.js';
export * as requests from './requests/index.js';
export { generatePlan, placementOrder, type GenerateInput, type GenerateResult, type Placement } from './generate/index.js';
export {
  RULE_MODULES, dataVolumeProfile, defaultRuleSet, planOverview, powerProfile, type ModeLane, type Overflow, type PlanOverview, type PowerStep, loadRules, parseRules, reportJson, reportJunit, reportText, validatePlan,
  type RuleModule, type RuleSet, type ValidateInput, type ValidationReport, type Violation,
} from './validate/index.js';
