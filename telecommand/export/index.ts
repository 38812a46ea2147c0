/** @module Uplink export formats: PUS TC[11,4] time-tagged commands. */
export { wrapTimeTagged, type TimeTaggedOptions, type TimeTaggedTc } from './time-tagged.js';
