/**
 * @module The decoder compiled from a {@link TmDatabase}: one reader closure per parameter (encoding, size and
 * byte order resolved once), one step list per container (inherited entries first, container references inlined),
 * restriction criteria and include conditions as predicates, and per concrete container a columnar table
 * (typed arrays per parameter) that packets are decoded into. Selection follows XTCE 1.2 inheritance: decode
 * the root container, then descend into the first child (document order) whose RestrictionCriteria hold, until
 * none does; an abstract container reached that way is an unrecognised packet.
 */
import type {
  Alarm, ComparisonOperator, Container, DataEncoding, Entry, EntryLocation, IntegerValue, MatchCriteria,
  Parameter, ParameterType, SizeSpec, TmDatabase, ValueRef,
} from '../../src/mdb/types.js';
import { ALARM_LEVELS } from '../../src/mdb/types.js';
import {
  float32FromBits, float64FromBits, halfToNumber, milStd1750aToNumber, readUnsigned, readUnsignedBig, readUnsignedLe,
  readUnsignedLeBig, signedFrom, signedFromBig,
} from './bits.js';
import { calibratorFunction, enumLimitState, inRange, numericLimitState } from './calibrate.js';
import { compileFixedRun, compileFusedStore, type FixedRun, type FusedStore } from './_codegen.js';

/** A decoded value: numbers (≤ 53-bit integers, floats), bigint (wider integers), text, octets, or an array of them. */
export type Value = number | bigint | string | Uint8Array | readonly Value[];

/** Per-sample validity codes. */
export const Validity = { valid: 0, invalid: 1, absent: 2 } as const;
export const VALIDITY_NAMES = ['valid', 'invalid', 'absent'] as const;
/** Per-sample limit codes: 0 normal, then {@link ALARM_LEVELS} in order (1 watch … 5 severe). */
export const LIMIT_NAMES = ['normal', ...ALARM_LEVELS] as const;

/** What the decoder knows about one parameter. */
export interface Field {
  readonly index: number;
  readonly parameter: Parameter;
  readonly type: ParameterType;
  /** Raw values are numbers (so columns are Float64Array). */
  readonly numeric: boolean;
  /** Engineering values differ from raw numbers by a calibration (so columns hold a second Float64Array). */
  readonly calibrated: boolean;
  /** Fixed size in bits, when known ahead. */
  readonly fixedBits: number | undefined;
}

/**
 * The values of the packet being decoded (raw by parameter index, engineering computed on demand). Raw numbers
 * of numeric fields live in a Float64Array (no boxed number per value), other raw values in an array.
 */
class PacketState {
  packet = 0;
  readonly raw: Value[];
  readonly num: Float64Array;
  readonly stamp: Int32Array;
  readonly eng: (Value | undefined)[];
  readonly engStamp: Int32Array;
  /** Scratch: the value a reader produced. */
  v: Value = 0;
  error = '';
  constructor(n: number, readonly isNum: Uint8Array, readonly engOf: ((st: PacketState) => Value | undefined)[]) {
    this.raw = new Array<Value>(n).fill(0);
    this.num = new Float64Array(n);
    this.stamp = new Int32Array(n).fill(-1);
    this.eng = new Array<Value | undefined>(n).fill(undefined);
    this.engStamp = new Int32Array(n).fill(-1);
  }
  has(i: number): boolean {
    return this.stamp[i] === this.packet;
  }
  getRaw(i: number): Value | undefined {
    return this.stamp[i] === this.packet ? this.valueOf(i) : undefined;
  }
  /** The raw value in slot `i` (stamp not checked). */
  valueOf(i: number): Value {
    return this.isNum[i] === 1 ? this.num[i]! : this.raw[i]!;
  }
  getEng(i: number): Value | undefined {
    if (this.stamp[i] !== this.packet) return undefined;
    if (this.engStamp[i] !== this.packet) {
      this.eng[i] = this.engOf[i]!(this);
      this.engStamp[i] = this.packet;
    }
    return this.eng[i];
  }
}

type Reader = (b: Uint8Array, bit: number, end: number, st: PacketState) => number;
type Pred = (st: PacketState) => boolean;

type Step =
  | { readonly kind: 'field'; readonly field: Field; readonly read: Reader; readonly include?: Pred; readonly location?: EntryLocation; readonly where: string }
  | {
    readonly kind: 'container'; readonly steps: readonly Step[]; readonly include?: Pred; readonly location?: EntryLocation;
    /** Repeated this many times (XTCE RepeatEntry); `members` then collect one value per occurrence. */
    readonly repeat?: (st: PacketState) => number; readonly members: readonly Field[]; readonly where: string;
  };

interface Node {
  readonly container: Container;
  readonly steps: readonly Step[];
  readonly children: { node: Node; when: Pred | undefined }[];
  /** Fields of the whole path (root → this), in entry order, each once. */
  readonly fields: readonly Field[];
  /** Bit offset of this container's first entry from the packet start, when known ahead. */
  readonly startBit: number | undefined;
  /**
   * Generated code for the entries when their layout is fixed, the bit after the last entry, and the furthest
   * bit any entry reaches (an entry placed from the container start may end before an earlier one).
   */
  readonly fixed: { readonly run: FixedRun; readonly endBit: number; readonly maxBit: number } | undefined;
  /** Every container from the root to this one has a fixed layout (so every field of the path is present). */
  readonly fixedPath: boolean;
  /** Its table, once a packet was stored in it. */
  table: TableState | undefined;
}

/** A growable column of one parameter in one container's table. */
export interface Column {
  readonly field: Field;
  /** Raw values: Float64Array (numeric fields; NaN where absent) or values. */
  raw: Float64Array | (Value | undefined)[];
  /** Engineering numbers of calibrated fields (NaN where invalid or absent). */
  eng: Float64Array | undefined;
  validity: Uint8Array;
  limit: Uint8Array;
}

/** A column's store plan, decided once per table. */
interface ColumnPlan {
  readonly c: Column;
  readonly i: number;
  /** Numeric raw, nothing to judge: copy the number. */
  readonly simple: boolean;
  /** Calibrated by a default calibrator only: engineering = fn(raw) without the packet state. */
  readonly calibrate: ((x: number) => number) | undefined;
}

/** A table and how packets are stored in it. */
interface TableState {
  readonly t: ContainerTable;
  readonly plans: readonly ColumnPlan[];
  /** Generated store (fixed paths whose columns need no judging). */
  readonly fused: FusedStore | undefined;
  /** Calibrator of each column (identity when none), for the generated store. */
  readonly cals: readonly ((x: number) => number)[];
  /** Raw, engineering and validity arrays per column (placeholders where a column has none). */
  R: Float64Array[];
  E: Float64Array[];
  V: Uint8Array[];
}

const EMPTY_F64 = new Float64Array(0);
const EMPTY_U8 = new Uint8Array(0);
const identity = (x: number): number => x;

/** Decoded packets of one concrete container, column by column. */
export interface ContainerTable {
  readonly container: Container;
  readonly columns: readonly Column[];
  rows: number;
  /** Packet time, TAI seconds (NaN when the packet has none). */
  tai: Float64Array;
  /** APID of each packet. */
  apid: Uint16Array;
  /** Packets whose length differed from the bits the container's entries used (a definition/data mismatch). */
  lengthMismatches: number;
  /** The first such packet: bits used by the entries and bits in the packet. */
  firstMismatch?: { readonly row: number; readonly usedBits: number; readonly packetBits: number };
}

export interface Decoder {
  readonly db: TmDatabase;
  readonly fields: readonly Field[];
  /** Field of each parameter name. */
  readonly byName: ReadonlyMap<string, Field>;
  /**
   * Decode one packet (`length` octets at `offset` of `buf`, primary header included) into its container's table.
   * Returns the table, or a string saying why the packet was not decoded (unrecognised, too short).
   */
  decode(buf: Uint8Array, offset: number, length: number, tai: number | undefined, apid: number): ContainerTable | string;
  /** The tables, in container document order, of containers that received at least one packet. */
  tables(): ContainerTable[];
  /** Engineering value of sample `row` of `col` (enumeration label, boolean text, calibrated number, …). */
  engineering(col: Column, row: number): Value | undefined;
  /**
   * Empty every table (rows 0, capacity kept) so that decoding goes on in bounded memory after the caller has
   * taken the rows out (the parameter archive does, batch by batch). Length-mismatch counts are kept.
   */
  reset(): void;
  /**
   * Room for `rows` packets in every table (those created from now on, and the existing ones): columns are
   * allocated once instead of growing (when the caller knows the packet count, or decodes in batches).
   */
  reserve(rows: number): void;
}

export interface CompileOptions {
  /** Keep only these parameters in the tables (all are still decoded: criteria and sizes may need them). */
  readonly keep?: ReadonlySet<string>;
}

const NUMERIC_KINDS = new Set(['integer', 'float', 'enumerated', 'boolean', 'absoluteTime']);

/**
 * Compile `db` into a decoder.
 * @throws Error on an inconsistent database (the loaders check references, so only hand-built data trips this).
 */
export function compileDecoder(db: TmDatabase, options: CompileOptions = {}): Decoder {
  const types = new Map(db.parameterTypes.map((t) => [t.name, t]));
  const containers = new Map(db.containers.map((c) => [c.name, c]));
  const fields: Field[] = [];
  const byName = new Map<string, Field>();
  // Parameters of repeated containers hold the array of their occurrences (so they are not plain numbers).
  const repeated = new Set<string>();
  const collect = (c: Container | undefined, seen: Set<string>): void => {
    if (!c || seen.has(c.name)) return;
    seen.add(c.name);
    for (const e of c.entries) {
      if (e.kind === 'container') collect(containers.get(e.container), seen);
      else repeated.add(e.parameter);
    }
  };
  for (const c of db.containers) {
    for (const e of c.entries) {
      if (!e.repeat) continue;
      if (e.kind === 'container') collect(containers.get(e.container), new Set());
      else repeated.add(e.parameter);
    }
  }
  for (const p of db.parameters) {
    const type = types.get(p.type);
    if (!type) throw new Error(`${p.source ?? p.name}: parameter type "${p.type}" is not defined`);
    const enc = type.encoding;
    const numeric = NUMERIC_KINDS.has(type.kind) && !(enc?.kind === 'integer' && enc.sizeInBits > 53) && !repeated.has(p.name);
    const calibrated = numeric && (type.kind === 'integer' || type.kind === 'float') && (type.calibrator !== undefined || (type.contextCalibrators?.length ?? 0) > 0);
    const fixedBits = enc === undefined ? undefined : enc.kind === 'integer' || enc.kind === 'float' ? enc.sizeInBits : enc.size.kind === 'fixed' ? enc.size.bits : undefined;
    const f: Field = { index: fields.length, parameter: p, type, numeric, calibrated, fixedBits };
    fields.push(f);
    byName.set(p.name, f);
  }
  const fieldOf = (name: string): Field => {
    const f = byName.get(name);
    if (!f) throw new Error(`parameter "${name}" is not defined`);
    return f;
  };

  // ---- values used by criteria and sizes ----
  const refValue = (r: ValueRef): ((st: PacketState) => Value | undefined) => {
    const i = fieldOf(r.parameter).index;
    return r.useCalibratedValue ? (st) => st.getEng(i) : (st) => st.getRaw(i);
  };
  const refNumber = (r: { parameter: string; useCalibratedValue: boolean }): ((st: PacketState) => number) => {
    const get = refValue(r);
    return (st) => {
      const v = get(st);
      return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
    };
  };

  const compare = (a: Value | undefined, op: ComparisonOperator, b: Value | undefined): boolean => {
    if (a === undefined || b === undefined) return false;
    let x: number | bigint | string;
    let y: number | bigint | string;
    if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
      [x, y] = typeof a === typeof b ? [a, b] : [Number(a), Number(b)];
    } else if (typeof a === 'string' || typeof b === 'string') {
      [x, y] = [String(a), String(b)];
    } else return false;
    switch (op) {
      case '==': return x === y;
      case '!=': return x !== y;
      case '<': return x < y;
      case '<=': return x <= y;
      case '>': return x > y;
      case '>=': return x >= y;
    }
  };

  const criteria = (m: MatchCriteria): Pred => {
    switch (m.kind) {
      case 'and': {
        const ps = m.of.map(criteria);
        return (st) => ps.every((p) => p(st));
      }
      case 'or': {
        const ps = m.of.map(criteria);
        return (st) => ps.some((p) => p(st));
      }
      case 'compareParameters': {
        const [l, r] = [refValue(m.left), refValue(m.right)];
        return (st) => compare(l(st), m.operator, r(st));
      }
      case 'comparison': {
        const f = fieldOf(m.ref.parameter);
        const get = refValue(m.ref);
        const n = Number(m.value);
        const numericValue = m.value.trim() !== '' && Number.isFinite(n);
        // Compare numbers with numbers (a label or text otherwise); a boolean's calibrated value is its text.
        const target: Value = numericValue && !(m.ref.useCalibratedValue && (f.type.kind === 'enumerated' || f.type.kind === 'boolean' || f.type.kind === 'string'))
          ? (f.type.encoding?.kind === 'integer' && f.type.encoding.sizeInBits > 53 && Number.isInteger(n) ? BigInt(m.value.trim()) : n)
          : m.value;
        if (typeof target === 'number' && m.operator === '==' && !m.ref.useCalibratedValue && f.numeric) {
          const i = f.index;
          return (st) => st.stamp[i] === st.packet && st.num[i] === target;
        }
        return (st) => compare(get(st), m.operator, target);
      }
    }
  };

  // ---- sizes ----
  const sizeOf = (s: SizeSpec | IntegerValue): ((st: PacketState) => number) => {
    if (s.kind === 'fixed') {
      const v = 'bits' in s ? s.bits : s.value;
      return () => v;
    }
    if (s.kind === 'dynamic') {
      const get = refNumber(s);
      return (st) => s.slope * get(st) + s.intercept;
    }
    throw new Error(`size kind ${s.kind} has no value`);
  };

  // ---- readers ----
  const numberReader = (enc: DataEncoding & { kind: 'integer' | 'float' }): Reader => {
    const n = enc.sizeInBits;
    const le = enc.byteOrder === 'little';
    if (enc.kind === 'integer') {
      const e = enc.encoding;
      if (n > 53) {
        return (b, bit, end, st) => {
          if (bit + n > end) return -1;
          st.v = signedFromBig(le ? readUnsignedLeBig(b, bit, n) : readUnsignedBig(b, bit, n), n, e);
          return n;
        };
      }
      if (e === 'unsigned' && !le) return (b, bit, end, st) => (bit + n > end ? -1 : ((st.v = readUnsigned(b, bit, n)), n));
      return (b, bit, end, st) => {
        if (bit + n > end) return -1;
        st.v = signedFrom(le ? readUnsignedLe(b, bit, n) : readUnsigned(b, bit, n), n, e);
        return n;
      };
    }
    const word = (b: Uint8Array, bit: number, octets: number): number => (le ? readUnsignedLe(b, bit, octets * 8) : readUnsigned(b, bit, octets * 8));
    if (enc.encoding === 'MILSTD_1750A') {
      // Octet order reversal (little) applies to the whole field; 1750A is a big-endian machine format.
      return (b, bit, end, st) => {
        if (bit + n > end) return -1;
        if (n === 32) st.v = milStd1750aToNumber(word(b, bit, 4));
        else st.v = le ? milStd1750aToNumber(Number(readUnsignedLeBig(b, bit, 48) >> 16n), Number(readUnsignedLeBig(b, bit, 48) & 0xffffn)) : milStd1750aToNumber(readUnsigned(b, bit, 32), readUnsigned(b, bit + 32, 16));
        return n;
      };
    }
    if (n === 16) return (b, bit, end, st) => (bit + 16 > end ? -1 : ((st.v = halfToNumber(word(b, bit, 2))), 16));
    if (n === 32) return (b, bit, end, st) => (bit + 32 > end ? -1 : ((st.v = float32FromBits(word(b, bit, 4))), 32));
    return (b, bit, end, st) => {
      if (bit + 64 > end) return -1;
      st.v = le ? float64FromBits(readUnsignedLe(b, bit + 32, 32), readUnsignedLe(b, bit, 32)) : float64FromBits(readUnsigned(b, bit, 32), readUnsigned(b, bit + 32, 32));
      return 64;
    };
  };

  const octetsAt = (b: Uint8Array, bit: number, count: number): Uint8Array => {
    if ((bit & 7) === 0) return b.subarray(bit >>> 3, (bit >>> 3) + count);
    const out = new Uint8Array(count);
    for (let k = 0; k < count; k++) out[k] = readUnsigned(b, bit + 8 * k, 8);
    return out;
  };

  const charsetLabel: Readonly<Record<string, string>> = { 'US-ASCII': 'ascii', 'ISO-8859-1': 'latin1', 'Windows-1252': 'windows-1252', 'UTF-8': 'utf-8', 'UTF-16': 'utf-16be', 'UTF-16LE': 'utf-16le', 'UTF-16BE': 'utf-16be' };

  const varReader = (enc: DataEncoding & { kind: 'string' | 'binary' }, name: string): Reader => {
    const text = enc.kind === 'string' ? new TextDecoder(charsetLabel[enc.charset] ?? 'utf-8') : undefined;
    const term = enc.kind === 'string' ? enc.terminationChar : undefined;
    const finish = (bytes: Uint8Array, st: PacketState): void => {
      if (!text) {
        st.v = bytes.slice();
        return;
      }
      let stop = bytes.length;
      if (term !== undefined) {
        const k = bytes.indexOf(term);
        if (k >= 0) stop = k;
      }
      st.v = text.decode(bytes.subarray(0, stop));
    };
    const s = enc.size;
    if (s.kind === 'leading') {
      const tag = s.tagBits;
      return (b, bit, end, st) => {
        if (bit + tag > end) return -1;
        const octets = readUnsigned(b, bit, tag);
        const bits = tag + octets * 8;
        if (bit + bits > end || (s.maxBits !== undefined && octets * 8 > s.maxBits)) {
          st.error = `${name}: the size tag runs past the packet or the maximum size`;
          return -1;
        }
        finish(octetsAt(b, bit + tag, octets), st);
        return bits;
      };
    }
    if (s.kind === 'terminated') {
      return (b, bit, end, st) => {
        const max = Math.min(s.maxBits, end - bit) >>> 3;
        for (let k = 0; k < max; k++) {
          if (readUnsigned(b, bit + 8 * k, 8) === term) {
            finish(octetsAt(b, bit, k), st);
            return (k + 1) * 8;
          }
        }
        st.error = `${name}: no termination character within the maximum size`;
        return -1;
      };
    }
    const size = sizeOf(s);
    return (b, bit, end, st) => {
      const bits = size(st);
      if (!Number.isInteger(bits) || bits < 0 || bit + bits > end) {
        st.error = `${name}: the size from ${s.kind === 'dynamic' ? s.parameter : 'the definition'} is negative, fractional or runs past the packet`;
        return -1;
      }
      if (bits % 8 !== 0) {
        st.error = `${name}: the size is not whole octets`;
        return -1;
      }
      finish(octetsAt(b, bit, bits / 8), st);
      return bits;
    };
  };

  const readerOf = (f: Field): Reader => {
    const t = f.type;
    if (t.kind === 'array') {
      const elType = types.get(t.array!.elementType)!;
      const elField: Field = { ...f, type: elType };
      const el = readerOf(elField);
      const dims = t.array!.dimensions.map((d) => [sizeOf(d.startingIndex), sizeOf(d.endingIndex)] as const);
      return (b, bit, end, st) => {
        let count = 1;
        for (const [s, e] of dims) count *= e(st) - s(st) + 1;
        if (!Number.isInteger(count) || count < 0) {
          st.error = `${f.parameter.name}: the array size is not a count`;
          return -1;
        }
        const out: Value[] = [];
        let pos = bit;
        for (let k = 0; k < count; k++) {
          const used = el(b, pos, end, st);
          if (used < 0) return -1;
          out.push(st.v);
          pos += used;
        }
        st.v = out;
        return pos - bit;
      };
    }
    const enc = t.encoding!;
    return enc.kind === 'integer' || enc.kind === 'float' ? numberReader(enc) : varReader(enc, f.parameter.name);
  };

  // ---- engineering values ----
  const engOfType = (t: ParameterType): ((raw: Value, st: PacketState) => Value | undefined) => {
    switch (t.kind) {
      case 'integer':
      case 'float': {
        const ctxCals = (t.contextCalibrators ?? []).map((c) => [criteria(c.when), calibratorFunction(c.calibrator)] as const);
        const dflt = t.calibrator ? calibratorFunction(t.calibrator) : undefined;
        if (!ctxCals.length && !dflt) return (raw) => raw;
        return (raw, st) => {
          const x = typeof raw === 'bigint' ? Number(raw) : (raw as number);
          for (const [when, fn] of ctxCals) if (when(st)) return fn(x);
          return dflt ? dflt(x) : raw;
        };
      }
      case 'enumerated': {
        const singles = new Map<number, string>();
        const ranges: [number, number, string][] = [];
        for (const e of t.enumeration ?? []) {
          if (e.maxValue !== undefined && e.maxValue !== e.value) ranges.push([e.value, e.maxValue, e.label]);
          else if (!singles.has(e.value)) singles.set(e.value, e.label);
        }
        return (raw) => {
          const x = Number(raw);
          const s = singles.get(x);
          if (s !== undefined) return s;
          for (const [lo, hi, label] of ranges) if (x >= lo && x <= hi) return label;
          return undefined;
        };
      }
      case 'boolean': {
        const [one, zero] = [t.oneStringValue ?? 'True', t.zeroStringValue ?? 'False'];
        return (raw) => (Number(raw) !== 0 ? one : zero);
      }
      case 'absoluteTime': {
        const { scale, offset, cds } = t.time!;
        if (cds !== undefined) {
          // CCSDS 301.0-B-4 §3.3: days (16 bits), ms of day (32 bits), then µs (16 bits) when cds is 16.
          return (raw) => {
            const x = BigInt(raw as number | bigint);
            const sub = BigInt(cds);
            const us = cds ? Number(x & 0xffffn) : 0;
            const ms = Number((x >> sub) & 0xffffffffn);
            const days = Number(x >> (sub + 32n));
            return (days * 86400 + ms / 1e3 + us / 1e6) * scale + offset;
          };
        }
        return (raw) => Number(raw) * scale + offset;
      }
      case 'array': {
        const el = engOfType(types.get(t.array!.elementType)!);
        return (raw, st) => (raw as readonly Value[]).map((v) => el(v, st) ?? NaN);
      }
      default:
        return (raw) => raw;
    }
  };
  /** Engineering value of a field: element by element for the occurrences of a repeated parameter. */
  const engOfField = (f: Field): ((raw: Value, st: PacketState) => Value | undefined) => {
    const fn = engOfType(f.type);
    if (!repeated.has(f.parameter.name)) return fn;
    const each = (raw: Value, st: PacketState): Value => (Array.isArray(raw) ? (raw as readonly Value[]).map((v) => each(v, st)) : fn(raw, st) ?? NaN);
    return each;
  };
  const engOf = fields.map((f) => {
    const fn = engOfField(f);
    return (st: PacketState) => fn(st.valueOf(f.index), st);
  });

  // ---- containers ----
  const compileEntries = (c: Container, seen: Set<string>): Step[] => {
    if (seen.has(c.name)) throw new Error(`${c.source ?? c.name}: container "${c.name}" includes itself`);
    const inner = new Set(seen).add(c.name);
    return c.entries.map((e: Entry): Step => {
      const include = e.includeCondition ? criteria(e.includeCondition) : undefined;
      const common = { ...(include ? { include } : {}), ...(e.location ? { location: e.location } : {}) };
      if (e.kind === 'container') {
        const ref = containers.get(e.container)!;
        const steps = compileEntries(ref, inner);
        const where = e.source ?? `${c.name}/${e.container}`;
        if (!e.repeat) return { kind: 'container', steps, members: [], where, ...common };
        return { kind: 'container', steps, repeat: sizeOf(e.repeat.count), members: [...new Map(fieldsOf(steps, []).map((f) => [f.index, f])).values()], where, ...common };
      }
      const field = fieldOf(e.parameter);
      const where = e.source ?? `${c.name}/${e.parameter}`;
      const step: Step = { kind: 'field', field, read: readerOf(field), where };
      // A repeated parameter (XTCE RepeatEntry on a ParameterRefEntry): a repeated group of that one field.
      if (e.repeat) return { kind: 'container', steps: [step], repeat: sizeOf(e.repeat.count), members: [field], where, ...common };
      return { ...step, ...common };
    });
  };
  const fieldsOf = (steps: readonly Step[], out: Field[]): Field[] => {
    for (const s of steps) {
      if (s.kind === 'field') out.push(s.field);
      else fieldsOf(s.steps, out);
    }
    return out;
  };
  /** The generated run of `steps` starting at `startBit`, when every entry sits at an offset known ahead. */
  const fixedLayout = (steps: readonly Step[], startBit: number): Node['fixed'] => {
    const out: { slot: number; bit: number; encoding: DataEncoding }[] = [];
    let pos = startBit;
    let maxBit = startBit;
    for (const s of steps) {
      if (s.kind !== 'field' || s.include !== undefined) return undefined;
      const enc = s.field.type.encoding;
      if (!enc || (enc.kind !== 'integer' && enc.kind !== 'float') || s.field.type.kind === 'array') return undefined;
      if (s.location) pos = (s.location.reference === 'containerStart' ? 0 : pos) + s.location.bits;
      out.push({ slot: s.field.index, bit: pos, encoding: enc });
      pos += enc.sizeInBits;
      maxBit = Math.max(maxBit, pos);
    }
    const run = compileFixedRun(out);
    return run ? { run, endBit: pos, maxBit } : undefined;
  };
  const nodes = new Map<string, Node>();
  const nodeOf = (c: Container): Node => {
    let n = nodes.get(c.name);
    if (n) return n;
    const steps = compileEntries(c, new Set());
    const parent = c.base ? nodeOf(containers.get(c.base.container)!) : undefined;
    const all = fieldsOf(steps, parent ? [...parent.fields] : []);
    const unique = [...new Map(all.map((f) => [f.index, f])).values()];
    const startBit = parent ? parent.fixed?.endBit : 0;
    const fixed = startBit === undefined ? undefined : fixedLayout(steps, startBit);
    const fixedPath = fixed !== undefined && (parent ? parent.fixedPath : true);
    n = { container: c, steps, children: [], fields: unique, startBit, fixed, fixedPath, table: undefined };
    nodes.set(c.name, n);
    if (parent) parent.children.push({ node: n, when: c.base?.restriction ? criteria(c.base.restriction) : undefined });
    return n;
  };
  for (const c of db.containers) nodeOf(c);
  // Roots: containers without a base, except abstract fragments only referenced from entries (groups, variable
  // sections): referenced, and no container derives from them.
  const referenced = new Set(db.containers.flatMap((c) => c.entries.flatMap((e) => (e.kind === 'container' ? [e.container] : []))));
  const bases = new Set(db.containers.flatMap((c) => (c.base ? [c.base.container] : [])));
  const roots = db.containers.filter((c) => !c.base && !(c.abstract && referenced.has(c.name) && !bases.has(c.name))).map((c) => nodes.get(c.name)!);
  // Children in document order (nodeOf may have created a child before an earlier sibling).
  const order = new Map(db.containers.map((c, i) => [c.name, i]));
  for (const n of nodes.values()) n.children.sort((a, b) => order.get(a.node.container.name)! - order.get(b.node.container.name)!);

  const state = new PacketState(fields.length, Uint8Array.from(fields, (f) => (f.numeric ? 1 : 0)), engOf);

  /** Run `steps` from bit `pos`; returns the bit after the last entry, or −1 (st.error says why). */
  const run = (steps: readonly Step[], b: Uint8Array, pos: number, end: number, cstart: number, st: PacketState): number => {
    for (let k = 0; k < steps.length; k++) {
      const s = steps[k]!;
      if (s.include !== undefined && !s.include(st)) continue;
      if (s.location !== undefined) pos = (s.location.reference === 'containerStart' ? cstart : pos) + s.location.bits;
      if (s.kind === 'field') {
        const used = s.read(b, pos, end, st);
        if (used < 0) {
          if (!st.error) st.error = `${s.field.parameter.name} (${s.where}) runs past the packet end`;
          return -1;
        }
        if (s.field.numeric) st.num[s.field.index] = st.v as number;
        else st.raw[s.field.index] = st.v;
        st.stamp[s.field.index] = st.packet;
        pos += used;
      } else if (s.repeat === undefined) {
        pos = run(s.steps, b, pos, end, pos, st);
        if (pos < 0) return -1;
      } else {
        const count = s.repeat(st);
        if (!Number.isInteger(count) || count < 0) {
          st.error = `${s.where}: the repetition count ${count} is not a count`;
          return -1;
        }
        const members = s.members;
        const out: Value[][] = members.map(() => []);
        for (let r = 0; r < count; r++) {
          for (const m of members) st.stamp[m.index] = -1;
          pos = run(s.steps, b, pos, end, pos, st);
          if (pos < 0) return -1;
          for (let k = 0; k < members.length; k++) {
            const m = members[k]!;
            if (st.stamp[m.index] === st.packet) out[k]!.push(st.valueOf(m.index));
          }
        }
        for (let k = 0; k < members.length; k++) {
          st.raw[members[k]!.index] = out[k]!;
          st.stamp[members[k]!.index] = st.packet;
        }
      }
    }
    return pos;
  };

  // ---- tables ----
  const keep = options.keep;
  const tables = new Map<string, ContainerTable>();
  /** Capacity of tables created from now on ({@link Decoder.reserve}). */
  let capacity = 1024;
  const tableOf = (n: Node): TableState => {
    if (n.table) return n.table;
    const cap = capacity;
    const cols = n.fields.filter((f) => !keep || keep.has(f.parameter.name)).map((field): Column => ({
      field,
      raw: field.numeric ? EMPTY_F64 : new Array<Value | undefined>(),
      eng: field.calibrated ? EMPTY_F64 : undefined,
      validity: EMPTY_U8,
      limit: EMPTY_U8,
    }));
    const t: ContainerTable = { container: n.container, columns: cols, rows: 0, tai: EMPTY_F64, apid: new Uint16Array(0), lengthMismatches: 0 };
    allocate(t, cap);
    tables.set(n.container.name, t);
    const plans = planOf(t);
    // Every field of a fixed path is present, so a table whose columns need no judging is stored by generated code.
    const fused = n.fixedPath && plans.every((p) => p.simple || p.calibrate)
      ? compileFusedStore(plans.map((p) => ({ slot: p.i, calibrated: p.calibrate !== undefined })))
      : undefined;
    const ts: TableState = { t, plans, fused, cals: plans.map((p) => p.calibrate ?? identity), R: [], E: [], V: [] };
    refreshViews(ts);
    n.table = ts;
    return ts;
  };
  /**
   * Give every array of `t` room for `cap` rows, keeping its rows: one ArrayBuffer for the whole table (one
   * external allocation, so one GC hint instead of one per column).
   */
  function allocate(t: ContainerTable, cap: number): void {
    let f64 = 1;
    let u8 = 0;
    for (const c of t.columns) {
      if (c.raw instanceof Float64Array) f64++;
      if (c.eng) f64++;
      u8 += 2;
    }
    const mem = new ArrayBuffer(cap * (8 * f64 + 2 + u8));
    let at = 0;
    const take = <T extends Float64Array | Uint16Array | Uint8Array>(old: T, make: new (b: ArrayBuffer, o: number, n: number) => T, size: number): T => {
      const a = new make(mem, at, cap);
      at += cap * size;
      a.set(old.subarray(0, Math.min(t.rows, cap)));
      return a;
    };
    t.tai = take(t.tai, Float64Array, 8);
    for (const c of t.columns) {
      if (c.raw instanceof Float64Array) c.raw = take(c.raw, Float64Array, 8);
      if (c.eng) c.eng = take(c.eng, Float64Array, 8);
    }
    t.apid = take(t.apid, Uint16Array, 2);
    for (const c of t.columns) {
      c.validity = take(c.validity, Uint8Array, 1);
      c.limit = take(c.limit, Uint8Array, 1);
    }
  }

  const alarmOf = fields.map((f) => {
    const t = f.type;
    const ctxAlarms = (t.contextAlarms ?? []).map((c) => [criteria(c.when), c.alarm] as const);
    if (!t.alarm && !ctxAlarms.length) return undefined;
    return (st: PacketState): Alarm | undefined => {
      for (const [when, a] of ctxAlarms) if (when(st)) return a;
      return t.alarm;
    };
  });
  const validRangeOf = fields.map((f) => f.type.validRange);

  const limitCode = new Map<string, number>(LIMIT_NAMES.map((n, i) => [n, i]));
  function planOf(t: ContainerTable): ColumnPlan[] {
    return t.columns.map((c) => {
      const i = c.field.index;
      const type = c.field.type;
      const judged = alarmOf[i] !== undefined || validRangeOf[i] !== undefined || type.kind === 'enumerated';
      const simple = c.field.numeric && !c.field.calibrated && !judged;
      const calibrate = c.field.calibrated && !judged && !type.contextCalibrators?.length && type.calibrator ? calibratorFunction(type.calibrator) : undefined;
      return { c, i, simple, calibrate };
    });
  }
  /** The column arrays the generated store writes to (again after they grew). */
  function refreshViews(ts: TableState): void {
    ts.R = ts.t.columns.map((c) => (c.raw instanceof Float64Array ? c.raw : EMPTY_F64));
    ts.E = ts.t.columns.map((c) => c.eng ?? EMPTY_F64);
    ts.V = ts.t.columns.map((c) => c.validity);
  }

  const growTable = (ts: TableState, need: number): void => {
    const t = ts.t;
    allocate(t, Math.max(need, t.tai.length * 2, 1024));
    refreshViews(ts);
  };

  // Validity and limit arrays start at 0 (valid, normal): only other codes are written.
  const store = (ts: TableState, st: PacketState, row: number): void => {
    const pk = st.packet;
    const stamp = st.stamp;
    const nums = st.num;
    const plans = ts.plans;
    for (let k = 0; k < plans.length; k++) {
      const p = plans[k]!;
      const c = p.c;
      const i = p.i;
      if (stamp[i] !== pk) {
        c.validity[row] = Validity.absent;
        if (c.raw instanceof Float64Array) c.raw[row] = NaN;
        else c.raw[row] = undefined;
        if (c.eng) c.eng[row] = NaN;
        continue;
      }
      if (p.simple) {
        (c.raw as Float64Array)[row] = nums[i]!;
        continue;
      }
      if (p.calibrate) {
        const x = nums[i]!;
        (c.raw as Float64Array)[row] = x;
        const e = p.calibrate(x);
        c.eng![row] = e;
        if (Number.isNaN(e)) c.validity[row] = Validity.invalid;
        continue;
      }
      const raw = st.valueOf(i);
      if (c.raw instanceof Float64Array) c.raw[row] = raw as number;
      else c.raw[row] = raw;
      let validity: number = Validity.valid;
      const alarmFn = alarmOf[i];
      const vr = validRangeOf[i];
      if (c.eng || alarmFn || vr || c.field.type.kind === 'enumerated') {
        const eng = st.getEng(i);
        if (c.eng) c.eng[row] = typeof eng === 'number' ? eng : NaN;
        if (eng === undefined || (typeof eng === 'number' && Number.isNaN(eng))) validity = Validity.invalid;
        else if (vr && typeof eng === 'number' && !inRange(eng, vr)) validity = Validity.invalid;
        const alarm = alarmFn?.(st);
        if (alarm && validity === Validity.valid) {
          const s = typeof eng === 'number' ? numericLimitState(eng, alarm) : typeof eng === 'string' ? enumLimitState(eng, alarm) : 'normal';
          if (s !== 'normal') c.limit[row] = limitCode.get(s)!;
        }
      }
      if (validity !== Validity.valid) c.validity[row] = validity;
    }
  };

  let lastBuf: Uint8Array | undefined;
  let lastView: DataView = new DataView(new ArrayBuffer(0));
  /** Decode `node`'s entries of the packet at octet `offset` (bits [start, end) of `buf`) from bit `pos`. */
  const runNode = (node: Node, buf: Uint8Array, offset: number, pos: number, start: number, end: number, st: PacketState): number => {
    const f = node.fixed;
    if (f !== undefined && start + f.maxBit <= end) {
      f.run(buf, offset, lastView, st.num, st.stamp, st.packet);
      return start + f.endBit;
    }
    return run(node.steps, buf, pos, end, start, st);
  };
  const decode: Decoder['decode'] = (buf, offset, length, tai, apid) => {
    const st = state;
    st.packet++;
    st.error = '';
    const start = offset * 8;
    const end = (offset + length) * 8;
    let lastAbstract = '';
    if (buf !== lastBuf) {
      lastBuf = buf;
      lastView = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    for (let r = 0; r < roots.length; r++) {
      let node = roots[r]!;
      let pos = runNode(node, buf, offset, start, start, end, st);
      if (pos < 0) return `${node.container.name}: ${st.error}`;
      for (;;) {
        let next: Node | undefined;
        const children = node.children;
        for (let k = 0; k < children.length; k++) {
          const ch = children[k]!;
          if (ch.when === undefined || ch.when(st)) {
            next = ch.node;
            break;
          }
        }
        if (!next) break;
        node = next;
        pos = runNode(node, buf, offset, pos, start, end, st);
        if (pos < 0) return `${node.container.name}: ${st.error}`;
      }
      if (!node.container.abstract) {
        const ts = node.table ?? tableOf(node);
        const t = ts.t;
        const row = t.rows++;
        if (row >= t.tai.length) growTable(ts, row + 1);
        t.tai[row] = tai ?? NaN;
        t.apid[row] = apid;
        if (ts.fused !== undefined) ts.fused(st.num, row, ts.R, ts.E, ts.V, ts.cals);
        else store(ts, st, row);
        if (pos !== end && t.lengthMismatches++ === 0) t.firstMismatch = { row, usedBits: pos - start, packetBits: end - start };
        return t;
      }
      lastAbstract = node.container.name;
    }
    return `no concrete container matches (stopped at abstract ${lastAbstract || 'nothing'})`;
  };

  const reserve = (rows: number): void => {
    capacity = Math.max(1024, Math.ceil(rows));
    for (const n of nodes.values()) if (n.table && n.table.t.tai.length < capacity) growTable(n.table, capacity);
  };

  const engineeringFns = fields.map(engOfField);
  const engineering: Decoder['engineering'] = (col, row) => {
    if (col.validity[row] === Validity.absent) return undefined;
    if (col.eng) return col.eng[row]!;
    const raw = col.raw instanceof Float64Array ? col.raw[row]! : col.raw[row];
    if (raw === undefined) return undefined;
    // Context-free conversions only here: context calibrators were applied at decode time into col.eng.
    return engineeringFns[col.field.index]!(raw, state);
  };

  const reset = (): void => {
    for (const t of tables.values()) {
      for (const c of t.columns) {
        // store() writes only non-zero validity and limit codes: zero what the last batch wrote.
        c.validity.fill(0, 0, t.rows);
        c.limit.fill(0, 0, t.rows);
        if (!(c.raw instanceof Float64Array)) c.raw.length = 0;
      }
      t.rows = 0;
    }
  };

  return {
    db,
    fields,
    byName,
    decode,
    reset,
    reserve,
    tables: () => db.containers.map((c) => tables.get(c.name)).filter((t): t is ContainerTable => t !== undefined),
    engineering,
  };
}

