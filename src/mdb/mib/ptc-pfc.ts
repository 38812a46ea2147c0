/**
 * @module SCOS-2000 parameter type and format codes → XTCE-model encodings (EGOS-MCS-S2K-ICD-0001, PTC/PFC
 * table; as tabulated in formats-wave2.md §2.6 from yamcs-scos2k `MibLoaderBits`). Byte order is big-endian.
 */
import type { DataEncoding, ParameterTypeKind } from '../types.js';

/** The kind and encoding of a PTC/PFC pair, or the reason it is not supported. */
export function ptcPfcEncoding(ptc: number, pfc: number): { kind: ParameterTypeKind; encoding: DataEncoding } | { unsupported: string } {
  const int = (bits: number, signed: boolean): DataEncoding => ({ kind: 'integer', sizeInBits: bits, encoding: signed ? 'twosComplement' : 'unsigned', byteOrder: 'big' });
  switch (ptc) {
    case 1:
      if (pfc === 0) return { kind: 'boolean', encoding: int(1, false) };
      break;
    case 2:
      if (pfc >= 1 && pfc <= 32) return { kind: 'integer', encoding: int(pfc, false) };
      break;
    case 3:
    case 4: {
      const bits = pfc <= 12 ? pfc + 4 : ({ 13: 24, 14: 32, 15: 48, 16: 64 } as Record<number, number>)[pfc];
      if (pfc >= 0 && bits !== undefined) return { kind: 'integer', encoding: int(bits, ptc === 4) };
      break;
    }
    case 5: {
      const f = ({ 1: [32, 'IEEE754'], 2: [64, 'IEEE754'], 3: [32, 'MILSTD_1750A'], 4: [48, 'MILSTD_1750A'] } as const)[pfc as 1 | 2 | 3 | 4];
      if (f) return { kind: 'float', encoding: { kind: 'float', sizeInBits: f[0], encoding: f[1], byteOrder: 'big' } };
      break;
    }
    case 6:
      if (pfc >= 1 && pfc <= 64) return { kind: 'integer', encoding: int(pfc, false) };
      break;
    case 7:
      if (pfc > 0) return { kind: 'binary', encoding: { kind: 'binary', size: { kind: 'fixed', bits: 8 * pfc } } };
      return { unsupported: 'PTC 7 PFC 0 (variable octet string) is only meaningful in variable packets (VPD), not supported' };
    case 8:
      if (pfc > 0) return { kind: 'string', encoding: { kind: 'string', charset: 'US-ASCII', size: { kind: 'fixed', bits: 8 * pfc } } };
      return { unsupported: 'PTC 8 PFC 0 (variable character string) is only meaningful in variable packets (VPD), not supported' };
    case 9:
    case 10:
      return { unsupported: `PTC ${ptc} (${ptc === 9 ? 'absolute' : 'relative'} time) needs the mission epoch and time code: not supported yet` };
    default:
      return { unsupported: `PTC ${ptc} is not supported (deduced, packet or saved synthetic parameters)` };
  }
  return { unsupported: `PFC ${pfc} is not defined for PTC ${ptc}` };
}
