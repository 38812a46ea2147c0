/**
 * @module SCOS-2000 parameter type and format codes → XTCE-model encodings (EGOS-MCS-S2K-ICD-0001, PTC/PFC
 * table; as tabulated in formats-wave2.md §2.6). Byte order is big-endian. Times (PTC 9, 10) follow the CCSDS
 * time codes (CCSDS 301.0-B-4): CUC with an implicit P-field (coarse and fine octets from the PFC), CDS with a
 * 16-bit day, 32-bit ms of day and optional 16-bit µs; absolute times count from `epoch`.
 */
import type { Calibrator, DataEncoding, ParameterTypeKind, TimeEpoch } from '../types.js';

export type PtcPfcType =
  | {
    readonly kind: ParameterTypeKind; readonly encoding: DataEncoding;
    readonly time?: { readonly scale: number; readonly offset: number; readonly epoch: TimeEpoch; readonly cds?: 0 | 16 };
    readonly calibrator?: Calibrator; readonly unit?: string;
  }
  /** PTC 11: the type is the one of the parameter whose on-board id (PCF_PID) a preceding VPD_PIDREF field gives. */
  | { readonly deduced: true }
  /** PTC 13: saved synthetic parameter, never in a packet. */
  | { readonly synthetic: true }
  | { readonly unsupported: string };

/** CUC with implicit P-field, PFC 3–18: coarse octets 1 + ⌊(PFC−3)/4⌋, fine octets (PFC−3) mod 4. */
const cuc = (pfc: number): { coarse: number; fine: number } => ({ coarse: 1 + Math.floor((pfc - 3) / 4), fine: (pfc - 3) % 4 });

/** The kind and encoding of a PTC/PFC pair, or the reason it is not supported. */
export function ptcPfcEncoding(ptc: number, pfc: number, epoch: TimeEpoch = 'TAI'): PtcPfcType {
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
      // PFC 0: variable octet string preceded by its length in octets, one octet (formats-wave2.md §2.6).
      if (pfc === 0) return { kind: 'binary', encoding: { kind: 'binary', size: { kind: 'leading', tagBits: 8 } } };
      if (pfc > 0) return { kind: 'binary', encoding: { kind: 'binary', size: { kind: 'fixed', bits: 8 * pfc } } };
      break;
    case 8:
      if (pfc === 0) return { kind: 'string', encoding: { kind: 'string', charset: 'US-ASCII', size: { kind: 'leading', tagBits: 8 } } };
      if (pfc > 0) return { kind: 'string', encoding: { kind: 'string', charset: 'US-ASCII', size: { kind: 'fixed', bits: 8 * pfc } } };
      break;
    case 9:
      if (pfc === 1 || pfc === 2) return { kind: 'absoluteTime', encoding: int(pfc === 1 ? 48 : 64, false), time: { scale: 1, offset: 0, epoch, cds: pfc === 1 ? 0 : 16 } };
      if (pfc >= 3 && pfc <= 18) {
        const { coarse, fine } = cuc(pfc);
        return { kind: 'absoluteTime', encoding: int(8 * (coarse + fine), false), time: { scale: 2 ** (-8 * fine), offset: 0, epoch } };
      }
      if (pfc === 0) return { unsupported: 'PTC 9 PFC 0 (absolute time with an explicit P-field) is not supported' };
      break;
    case 10:
      if (pfc >= 3 && pfc <= 18) {
        // Relative CUC (CCSDS 301.0-B-4 §3.2 layout): seconds = raw / 2^(8·fine), read unsigned.
        const { coarse, fine } = cuc(pfc);
        return { kind: 'float', encoding: int(8 * (coarse + fine), false), calibrator: { kind: 'polynomial', terms: [{ coefficient: 2 ** (-8 * fine), exponent: 1 }] }, unit: 's' };
      }
      if (pfc === 1 || pfc === 2) return { unsupported: `PTC 10 PFC ${pfc} (relative time in CDS form) is not supported` };
      break;
    case 11:
      return { deduced: true };
    case 12:
      return { unsupported: `PTC 12 (an embedded ${pfc === 0 ? 'TM' : 'TC'} packet) is not supported` };
    case 13:
      return { synthetic: true };
    default:
      return { unsupported: `PTC ${ptc} is not a SCOS-2000 parameter type code` };
  }
  return { unsupported: `PFC ${pfc} is not defined for PTC ${ptc}` };
}
