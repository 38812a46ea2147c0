/**
 * @module `idoc/telemetry` (issue 15): the telemetry domain's door — framing (read a packet file or stream into
 * packet views), routing, checks, gaps, L0 products, parameter decoding (L1), feeds and ingest. Other domains and
 * library users import it from here.
 */
export * from './framing/index.js';
export * from './routing/index.js';
export * from './gaps/index.js';
export * from './products/index.js';
export { compileDecoder, Validity, VALIDITY_NAMES, type CompileOptions, type Decoder, type ContainerTable, type Column, type Field, type Value } from './parameters/compile.js';
export { decodeFiles } from './parameters/decode-files.js';
