/**
 * @module Parameter values: from what a user writes (engineering numbers, labels, booleans, hex, text, or the
 * same as strings from a command line) to raw on-wire values, with range, enumeration, type and size checks
 * returned as problems naming the parameter; and back from raw values to engineering values.
 *
 * Raw values: integers (unsigned, signed, enumerated, boolean) as bigint, floats as number, octet and ASCII
 * strings as bytes (strings right-padded with spaces to their length).
 */
import type { Problem } from '../../errors.js';
import { engToRaw, rawToEng } from './calibration.js';
import type { JsonValue, TcCommand, TcParameter } from './types.js';

/** What a caller may pass as a parameter value. */
export type UserValue = JsonValue | bigint | Uint8Array;
/** An on-wire value: bigint for integer types, number for floats, bytes for octet and ASCII strings. */
export type RawValue = bigint | number | Uint8Array;

/** Largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Bit size of a parameter on the wire. */
export function parameterBits(p: TcParameter): number {
  if (p.type === 'octets' || p.type === 'string') return 8 * (p.length ?? 0);
  return p.bits ?? (p.type === 'boolean' ? 1 : 0);
}

type Conv = { ok: true; raw: RawValue } | { ok: false; code: string; message: string };
const fail = (code: string, message: string): Conv => ({ ok: false, code, message });

/** Numbers as a user types them: decimal, exponent, 0x hex, 0b binary, with sign. */
function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (/^[+-]?0x[0-9a-f]+$/i.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[+-]?0x/i, ''), 16);
  if (/^[+-]?0b[01]+$/i.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[+-]?0b/i, ''), 2);
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return undefined;
  return Number(t);
}

/** Hex text (spaces and a 0x prefix allowed) to bytes; undefined when not hex. */
export function hexToBytes(text: string): Uint8Array | undefined {
  const t = text.replace(/\s+/g, '').replace(/^0x/i, '');
  if (t.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(t)) return undefined;
  return Uint8Array.from(Buffer.from(t, 'hex'));
}

const intLimits = (p: TcParameter): [bigint, bigint] => {
  const bits = BigInt(parameterBits(p));
  return p.type === 'signed' ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
};

function checkRange(p: TcParameter, eng: number, raw: number): Conv | undefined {
  const r = p.range;
  if (!r) return undefined;
  const v = r.applies === 'raw' ? raw : eng;
  if ((r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max)) {
    const what = r.applies === 'raw' ? 'raw value' : 'value';
    return fail('range', `${what} ${v} outside the range ${r.min ?? '-∞'}..${r.max ?? '+∞'}${p.unit ? ' ' + p.unit : ''}`);
  }
  return undefined;
}

/** Convert a user value of parameter `p` to its raw value, or say why it cannot be sent. */
export function toRaw(p: TcParameter, value: UserValue): Conv {
  switch (p.type) {
    case 'boolean': {
      const t = typeof value === 'string' ? value.trim().toLowerCase() : value;
      if (t === true || t === 'true' || t === 1 || t === '1' || t === 1n) return { ok: true, raw: 1n };
      if (t === false || t === 'false' || t === 0 || t === '0' || t === 0n) return { ok: true, raw: 0n };
      return fail('type', `${show(value)} is not a boolean (true/false/1/0)`);
    }
    case 'enumerated': {
      const entries = p.enumeration ?? [];
      if (typeof value === 'string') {
        const hit = entries.find((e) => e.label === value) ?? entries.find((e) => e.label.toLowerCase() === value.toLowerCase());
        if (hit) return { ok: true, raw: BigInt(hit.value) };
      }
      const n = typeof value === 'string' ? parseNumber(value) : typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : undefined;
      if (n !== undefined && entries.some((e) => e.value === n)) return { ok: true, raw: BigInt(n) };
      return fail('enum', `${show(value)} is not one of ${entries.map((e) => `${e.label}(${e.value})`).join(', ')}`);
    }
    case 'unsigned':
    case 'signed': {
      if (typeof value === 'bigint' && !p.calibration) return integerRaw(p, value, Number(value), Number(value));
      const eng = typeof value === 'string' ? parseNumber(value) : typeof value === 'number' ? value : undefined;
      if (eng === undefined || !Number.isFinite(eng)) return fail('type', `${show(value)} is not a number`);
      let rawNum = eng;
      if (p.calibration) {
        const r = engToRaw(p.calibration, eng);
        if (r === undefined) return fail('calibration', `${eng} is outside the calibration table`);
        rawNum = Math.round(r);
      } else if (!Number.isInteger(eng)) {
        return fail('type', `${eng} is not an integer`);
      } else if (!Number.isSafeInteger(eng) && typeof value === 'string' && /^[+]?(\d+|0x[0-9a-f]+)$|^-\d+$/i.test(value.trim())) {
        // Large integers typed on a command line keep their exact digits.
        return integerRaw(p, BigInt(value.trim()), eng, eng);
      }
      if (!Number.isFinite(rawNum)) return fail('overflow', `${eng} calibrates to a raw value out of any range`);
      return integerRaw(p, BigInt(rawNum), eng, rawNum);
    }
    case 'float': {
      const eng = typeof value === 'string' ? parseNumber(value) : typeof value === 'number' ? value : undefined;
      if (eng === undefined || !Number.isFinite(eng)) return fail('type', `${show(value)} is not a number`);
      let raw = eng;
      if (p.calibration) {
        const r = engToRaw(p.calibration, eng);
        if (r === undefined) return fail('calibration', `${eng} is outside the calibration table`);
        raw = r;
      }
      const bad = checkRange(p, eng, raw);
      if (bad) return bad;
      if (p.bits === 32 && Math.abs(raw) > FLOAT32_MAX) return fail('overflow', `${raw} does not fit a float32`);
      return { ok: true, raw };
    }
    case 'octets': {
      const bytes = value instanceof Uint8Array ? value : typeof value === 'string' ? hexToBytes(value) : undefined;
      if (!bytes) return fail('type', `${show(value)} is not a hex octet string`);
      if (bytes.length !== p.length) return fail('length', `${bytes.length} octets given, ${p.length} expected`);
      return { ok: true, raw: bytes };
    }
    case 'string': {
      if (typeof value !== 'string') return fail('type', `${show(value)} is not a string`);
      if (!/^[\x20-\x7e]*$/.test(value)) return fail('type', `${show(value)} is not printable ASCII`);
      const len = p.length ?? 0;
      if (value.length > len) return fail('length', `${value.length} characters given, at most ${len} allowed`);
      return { ok: true, raw: new TextEncoder().encode(value.padEnd(len, ' ')) };
    }
  }
}

function integerRaw(p: TcParameter, raw: bigint, eng: number, rawNum: number): Conv {
  const bad = checkRange(p, eng, rawNum);
  if (bad) return bad;
  const [lo, hi] = intLimits(p);
  if (raw < lo || raw > hi) return fail('overflow', `raw value ${raw} does not fit ${p.type} ${parameterBits(p)} bits (${lo}..${hi})`);
  return { ok: true, raw };
}

const show = (v: UserValue): string =>
  v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : typeof v === 'string' ? JSON.stringify(v) : String(v);

/** A decoded parameter: its raw value and its engineering value (label, boolean, text, hex). */
export interface DecodedValue {
  readonly name: string;
  /** Raw value: number (or bigint beyond 2^53) for integers and floats, hex text for octet and ASCII strings. */
  readonly raw: number | bigint | string;
  /** Engineering value: calibrated number, enumeration label, boolean, text, or hex for octets. */
  readonly value: number | bigint | string | boolean;
  readonly unit?: string;
  /** Set when the raw value has no engineering meaning (unknown enumeration value, outside a table). */
  readonly note?: string;
}

/** Engineering value of a raw value of parameter `p`. */
export function fromRaw(p: TcParameter, raw: RawValue): DecodedValue {
  const unit = p.unit !== undefined ? { unit: p.unit } : {};
  if (raw instanceof Uint8Array) {
    const hex = Buffer.from(raw).toString('hex');
    const value = p.type === 'string' ? new TextDecoder('latin1').decode(raw).replace(/[ \0]+$/, '') : hex;
    return { name: p.name, raw: hex, value, ...unit };
  }
  const rawOut = typeof raw === 'bigint' && raw >= BigInt(Number.MIN_SAFE_INTEGER) && raw <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(raw) : raw;
  if (p.type === 'boolean') return { name: p.name, raw: rawOut, value: raw !== 0n, ...unit };
  if (p.type === 'enumerated') {
    const hit = p.enumeration?.find((e) => BigInt(e.value) === raw);
    return hit ? { name: p.name, raw: rawOut, value: hit.label, ...unit } : { name: p.name, raw: rawOut, value: rawOut, note: 'value not in the enumeration', ...unit };
  }
  if (p.calibration) {
    const eng = rawToEng(p.calibration, Number(raw));
    if (eng === undefined) return { name: p.name, raw: rawOut, value: rawOut, note: 'raw value outside the calibration table', ...unit };
    return { name: p.name, raw: rawOut, value: eng, ...unit };
  }
  return { name: p.name, raw: rawOut, value: rawOut, ...unit };
}

/** Raw values of a command's parameters in packing order, or the problems found. */
export type ResolvedValues = { ok: true; raw: RawValue[] } | { ok: false; problems: Problem[] };

/**
 * Resolve the values given for `cmd` (by parameter name) against defaults and fixed values, convert to raw
 * and check them. Every problem names `COMMAND.PARAMETER` in its path.
 */
export function resolveValues(cmd: TcCommand, given: Readonly<Record<string, UserValue>>): ResolvedValues {
  const problems: Problem[] = [];
  const raw: RawValue[] = [];
  const known = new Set(cmd.parameters.map((p) => p.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) problems.push({ code: 'unknown-parameter', path: `${cmd.name}.${name}`, message: `command ${cmd.name} has no parameter ${name}` });
  }
  for (const p of cmd.parameters) {
    const where = `${cmd.name}.${p.name}`;
    const v = Object.prototype.hasOwnProperty.call(given, p.name) ? given[p.name] : undefined;
    if (p.fixed && v !== undefined) {
      const a = toRaw(p, v);
      const b = toRaw(p, p.default!);
      if (!a.ok || !b.ok || !rawEqual(a.raw, b.raw)) {
        problems.push({ code: 'fixed', path: where, message: `${p.name} is fixed to ${show(p.default!)}` });
        continue;
      }
    }
    const use = v ?? p.default;
    if (use === undefined) {
      problems.push({ code: 'missing', path: where, message: `no value for ${p.name} and no default` });
      continue;
    }
    const c = toRaw(p, use);
    if (c.ok) raw.push(c.raw);
    else problems.push({ code: c.code, path: where, message: `${p.name}: ${c.message}` });
  }
  return problems.length ? { ok: false, problems } : { ok: true, raw };
}

/** Equality of raw values (bytes compared element-wise). */
export function rawEqual(a: RawValue, b: RawValue): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
