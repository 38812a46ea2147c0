/**
 * @module idoc telecommand: the JSON command database (with SCOS-2000 MIB import), PUS TC encoding and
 * decoding, and time-tagged TC[11,4] wrapping. The only door other domains use.
 */
export * from './database/index.js';
export * from './encode/index.js';
export * from './export/index.js';
