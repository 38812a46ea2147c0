/** @module PUS TC packets: encoding and decoding with PUS-C or PUS-A data field headers, bit-level parameter packing. */
export { BitReader, BitWriter } from './bits.js';
export { DEFAULT_TC_PROFILE, PUS_VERSION, decodeTcHeader, encodeTcHeader, tcHeaderLength, type TcProfile, type TcSecondaryHeader } from './tc-header.js';
export { encodeTc, encodeTcRaw, packParameters, tcProfile, type EncodeOptions, type EncodedTc } from './encode-tc.js';
export { decodeTc, unpackParameters, type DecodeOptions, type DecodedTc } from './decode-tc.js';
