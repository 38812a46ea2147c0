/**
 * @module SCOS-2000 parameter type code (PTC) and format code (PFC) → idoc parameter type and size.
 *
 * Reference: EGOS-MCS-S2K-ICD-0001 issue 7.2 §3.3.2.x (the PTC/PFC table of the parameter characteristics;
 * exact subsection number not checked — the ICD text was not available here). The mapping follows the PUS
 * parameter types it mirrors and agrees with pyscos2000's `ParameterType.resolve`:
 *
 * | PTC | meaning              | PFC → idoc                                                             |
 * |-----|----------------------|------------------------------------------------------------------------|
 * | 1   | boolean              | 0 → boolean, 1 bit                                                     |
 * | 2   | enumerated           | 1..32 → enumerated, PFC bits                                           |
 * | 3   | unsigned integer     | 0..12 → 4+PFC bits; 13 → 24; 14 → 32; 15 → 48; 16 → 64                 |
 * | 4   | signed integer       | as PTC 3                                                               |
 * | 5   | real                 | 1 → IEEE float32; 2 → IEEE float64; 3, 4 (MIL-STD-1750A) unsupported   |
 * | 6   | bit string           | 1..32 → unsigned of PFC bits (0 = variable: unsupported)               |
 * | 7   | octet string         | n > 0 → octets of n octets (0 = variable: unsupported)                 |
 * | 8   | ASCII string         | n > 0 → string of n characters (0 = variable: unsupported)             |
 * | 9   | absolute time        | unsupported (CUC/CDS parameters are not command parameters in idoc yet) |
 * | 10  | relative time        | unsupported                                                            |
 * | 11  | deduced              | unsupported                                                            |
 *
 * Unsure: PTC 1 with PFC ≠ 0, and PTC 6 read as an unsigned integer rather than raw bits (equivalent on the
 * wire, differs only in how values are typed).
 */
import type { ParameterType } from '../../../src/mdb/commands/types.js';

/** The idoc type of a PTC/PFC pair, or a reason it cannot be imported. */
export type PtcPfcResult =
  | { readonly ok: true; readonly type: ParameterType; readonly bits?: number; readonly length?: number }
  | { readonly ok: false; readonly reason: string };

const intBits = (pfc: number): number | undefined =>
  pfc >= 0 && pfc <= 12 ? 4 + pfc : ({ 13: 24, 14: 32, 15: 48, 16: 64 } as Record<number, number>)[pfc];

/** Map a PTC/PFC pair (ICD 7.2 §3.3.2.x; see the table above). */
export function ptcPfcToType(ptc: number, pfc: number): PtcPfcResult {
  const no = (reason: string): PtcPfcResult => ({ ok: false, reason: `PTC ${ptc} PFC ${pfc}: ${reason}` });
  switch (ptc) {
    case 1:
      return pfc === 0 ? { ok: true, type: 'boolean', bits: 1 } : no('boolean with a PFC other than 0 is not supported');
    case 2:
      return pfc >= 1 && pfc <= 32 ? { ok: true, type: 'enumerated', bits: pfc } : no('enumerated PFC must be 1..32');
    case 3:
    case 4: {
      const bits = intBits(pfc);
      return bits ? { ok: true, type: ptc === 3 ? 'unsigned' : 'signed', bits } : no('integer PFC must be 0..16');
    }
    case 5:
      if (pfc === 1) return { ok: true, type: 'float', bits: 32 };
      if (pfc === 2) return { ok: true, type: 'float', bits: 64 };
      return no('only IEEE reals (PFC 1, 2) are supported');
    case 6:
      return pfc >= 1 && pfc <= 32 ? { ok: true, type: 'unsigned', bits: pfc } : no('variable or over-long bit strings are not supported');
    case 7:
      return pfc > 0 ? { ok: true, type: 'octets', length: pfc } : no('variable-length octet strings are not supported');
    case 8:
      return pfc > 0 ? { ok: true, type: 'string', length: pfc } : no('variable-length strings are not supported');
    case 9:
    case 10:
      return no('time parameters are not supported');
    default:
      return no('unsupported parameter type code');
  }
}
