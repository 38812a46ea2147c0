/**
 * @module Generated code for containers whose layout is fixed (every entry at a bit offset known ahead, no
 * include condition, only integers up to 53 bits and IEEE floats): one function per container that reads each
 * field at its constant offset from the packet start and stores the raw value. The generated source holds
 * numbers only (offsets, widths, masks, slot indices), never names from the definitions.
 */
import type { DataEncoding } from '../../src/mdb/types.js';
import { readUnsigned, signedFrom } from './bits.js';

/** A field at a constant bit offset from the packet start. */
export interface FixedField {
  /** Parameter slot in the packet state. */
  readonly slot: number;
  readonly bit: number;
  readonly encoding: DataEncoding;
}

/** Stores the fields of one container: num[slot] = value, stamp[slot] = packet; `o` = packet octet offset in `b`. */
export type FixedRun = (b: Uint8Array, o: number, dv: DataView, num: Float64Array, stamp: Int32Array, pk: number) => void;

/** A column of a table stored by generated code: the raw number of `slot`, and its calibration when `calibrated`. */
export interface StoreColumn {
  readonly slot: number;
  readonly calibrated: boolean;
}

/**
 * Stores row `row` of a table whose fields are all present numbers: R[k][row] = num[slot]; calibrated columns
 * also E[k][row] = C[k](raw), and V[k][row] = 1 (invalid) when that is NaN.
 */
export type FusedStore = (num: Float64Array, row: number, R: Float64Array[], E: Float64Array[], V: Uint8Array[], C: readonly ((x: number) => number)[]) => void;

/** A JS expression for the field's raw value, or undefined when the encoding has no generated form. */
export function fieldExpression(bit: number, enc: DataEncoding): string | undefined {
  const k = bit >>> 3;
  const aligned = (bit & 7) === 0;
  const at = (d: number) => `b[o + ${k + d}]`;
  if (enc.kind === 'float') {
    if (enc.encoding !== 'IEEE754' || !aligned || enc.sizeInBits === 16) return undefined;
    const le = enc.byteOrder === 'little' ? ', true' : '';
    return enc.sizeInBits === 32 ? `dv.getFloat32(o + ${k}${le})` : `dv.getFloat64(o + ${k}${le})`;
  }
  if (enc.kind !== 'integer' || enc.sizeInBits > 53) return undefined;
  const n = enc.sizeInBits;
  let u: string;
  if (enc.byteOrder === 'little') {
    if (!aligned || n > 32) return undefined;
    u = n === 8 ? at(0) : n === 16 ? `dv.getUint16(o + ${k}, true)` : n === 24 ? `(${at(0)} | (${at(1)} << 8) | (${at(2)} << 16))` : `dv.getUint32(o + ${k}, true)`;
  } else if (n <= 32 && (bit & 7) + n <= 32) {
    const end = (bit & 7) + n;
    const octets = (end + 7) >>> 3;
    const word = octets === 1 ? at(0) : octets === 2 ? `((${at(0)} << 8) | ${at(1)})` : octets === 3 ? `((${at(0)} << 16) | (${at(1)} << 8) | ${at(2)})` : `dv.getUint32(o + ${k})`;
    const shift = octets * 8 - end;
    u = n === 32 ? word : `((${word} >>> ${shift}) & ${2 ** n - 1})`;
    if (shift === 0 && n === octets * 8) u = word;
  } else {
    u = `ru(b, (o << 3) + ${bit}, ${n})`;
  }
  if (enc.encoding === 'unsigned') return u;
  if (enc.encoding === 'twosComplement' && n <= 32) return n === 32 ? `(${u} | 0)` : `((${u} << ${32 - n}) >> ${32 - n})`;
  return `sf(${u}, ${n}, '${enc.encoding}')`;
}

/** Generate the run of `fields`, or undefined when one of them has no generated form. */
export function compileFixedRun(fields: readonly FixedField[]): FixedRun | undefined {
  const lines: string[] = [];
  for (const f of fields) {
    const e = fieldExpression(f.bit, f.encoding);
    if (e === undefined) return undefined;
    lines.push(`num[${f.slot}] = ${e}; stamp[${f.slot}] = pk;`);
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- numbers only, see the module comment
  const make = new Function('ru', 'sf', `return function fixedRun(b, o, dv, num, stamp, pk) {\n${lines.join('\n')}\n};`) as (ru: typeof readUnsigned, sf: typeof signedFrom) => FixedRun;
  return make(readUnsigned, signedFrom);
}

/** Generate the store of a table's columns (one call site per calibrated column, so each stays monomorphic). */
export function compileFusedStore(columns: readonly StoreColumn[]): FusedStore {
  const lines = columns.map((c, k) => {
    if (!c.calibrated) return `R[${k}][row] = num[${c.slot}];`;
    return `x = num[${c.slot}]; R[${k}][row] = x; e = C[${k}](x); E[${k}][row] = e; if (e !== e) V[${k}][row] = 1;`;
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- numbers only, see the module comment
  return new Function(`return function fusedStore(num, row, R, E, V, C) {\nlet x = 0, e = 0;\n${lines.join('\n')}\n};`)() as FusedStore;
}
