/**
 * @module Field lists as CCSDSPy users keep them (ccsdspy `utils._get_fields_csv_file`): a CSV with a header
 * row, columns `name`, `data_type` (uint, int, float, str, fill; an array as `uint(8)` or `uint(2, 3)`),
 * `bit_length` (of one element) and optionally `bit_offset` (from the packet start, the 48-bit primary header
 * included). The fields follow the primary header. idoc extensions: a `byte_order` column (big, little) and an
 * `apid` column selecting, per APID, which packet a row belongs to (without it the list describes every packet).
 * Refused with the line: CCSDSPy's custom digit byte orders, `expand` and field-named array shapes, unknown types.
 */
import { InputError } from '../../errors.js';
import { checkTmDatabase } from '../check.js';
import type { ByteOrder, Container, DataEncoding, Entry, Parameter, ParameterType, TmDatabase } from '../types.js';

/** The primary header under CCSDSPy's names (`_prepend_primary_header_fields`). */
const HEADER: readonly (readonly [string, number])[] = [
  ['CCSDS_VERSION_NUMBER', 3], ['CCSDS_PACKET_TYPE', 1], ['CCSDS_SECONDARY_FLAG', 1], ['CCSDS_APID', 11],
  ['CCSDS_SEQUENCE_FLAG', 2], ['CCSDS_SEQUENCE_COUNT', 14], ['CCSDS_PACKET_LENGTH', 16],
];

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === '(') { depth++; cur += ch; } else if (ch === ')') { depth--; cur += ch; } else if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/**
 * Load a field list from CSV `text` (read from `file`).
 * @throws InputError `file:line: message`.
 */
export function loadFieldList(text: string, file: string): TmDatabase {
  const lines = text.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) throw new InputError(`${file}: empty field list`);
  const cols = splitCsvLine(lines[headerAt]!).map((c) => c.toLowerCase());
  for (const c of ['name', 'data_type', 'bit_length']) if (!cols.includes(c)) throw new InputError(`${file}:${headerAt + 1}: the header row needs name, data_type and bit_length (found ${cols.join(', ')})`);
  const types = new Map<string, ParameterType>();
  const params: Parameter[] = HEADER.map(([name, bits]) => ({ name, type: `u${bits}` }));
  for (const [, bits] of HEADER) types.set(`u${bits}`, { name: `u${bits}`, kind: 'integer', encoding: { kind: 'integer', sizeInBits: bits, encoding: 'unsigned', byteOrder: 'big' } });
  const byApid = new Map<string, Entry[]>();
  const pendingFill = new Map<string, number>();
  for (let i = headerAt + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const at = `${file}:${i + 1}`;
    const cells = splitCsvLine(lines[i]!);
    const get = (c: string) => cells[cols.indexOf(c)] ?? '';
    const fail = (m: string): never => { throw new InputError(`${at}: ${m}`); };
    const name = get('name');
    const typeText = get('data_type');
    const bits = Number(get('bit_length'));
    if (!name) fail('name is empty');
    if (!Number.isInteger(bits) || bits < 1) fail(`bit_length "${get('bit_length')}" is not a positive integer`);
    const m = /^(uint|int|float|str|fill)\s*(?:\(([^)]*)\))?$/.exec(typeText);
    if (!m) fail(`data_type "${typeText}" is not uint, int, float, str or fill`);
    const [, base, shape] = m!;
    const orderText = cols.includes('byte_order') ? get('byte_order') || 'big' : 'big';
    if (orderText !== 'big' && orderText !== 'little') fail(`byte_order "${orderText}" is not supported (big, little)`);
    const order: ByteOrder = orderText === 'little' ? 'little' : 'big';
    const apid = cols.includes('apid') ? get('apid') : '';
    if (apid !== '' && !/^\d+$/.test(apid)) fail(`apid "${apid}" is not a number`);
    const entries = byApid.get(apid) ?? [];
    byApid.set(apid, entries);
    const offsetText = cols.includes('bit_offset') ? get('bit_offset') : '';
    const offset = offsetText === '' ? undefined : Number(offsetText);
    if (offset !== undefined && (!Number.isInteger(offset) || offset < 48)) fail(`bit_offset ${offsetText} is not an integer ≥ 48 (offsets count the primary header)`);
    const dims = shape === undefined ? [] : shape.split(',').map((d) => d.trim());
    if (dims.some((d) => !/^\d+$/.test(d))) fail(`array shape "${shape}" is not supported (fixed integer dimensions only; not expand or a field name)`);
    const count = dims.reduce((p, d) => p * Number(d), 1);
    if (base === 'fill') {
      if (offset !== undefined) continue;
      pendingFill.set(apid, (pendingFill.get(apid) ?? 0) + bits * count);
      continue;
    }
    let enc: DataEncoding;
    let kind: ParameterType['kind'];
    if (base === 'float') {
      if (bits !== 32 && bits !== 64 && bits !== 16) fail(`a float of ${bits} bits (16, 32, 64)`);
      enc = { kind: 'float', sizeInBits: bits, encoding: 'IEEE754', byteOrder: order };
      kind = 'float';
    } else if (base === 'str') {
      if (bits % 8) fail('a str field must be whole octets');
      enc = { kind: 'string', charset: 'US-ASCII', size: { kind: 'fixed', bits } };
      kind = 'string';
    } else {
      if (bits > 64) fail(`an integer of ${bits} bits (1..64)`);
      if (order === 'little' && bits % 8) fail('little-endian integers must be whole octets');
      enc = { kind: 'integer', sizeInBits: bits, encoding: base === 'int' ? 'twosComplement' : 'unsigned', byteOrder: order };
      kind = 'integer';
    }
    const elName = `${base}${bits}${order === 'little' ? 'le' : ''}`;
    if (!types.has(elName)) types.set(elName, { name: elName, kind, encoding: enc });
    let typeName = elName;
    if (dims.length) {
      typeName = `${elName}[${dims.join('x')}]`;
      if (!types.has(typeName)) types.set(typeName, { name: typeName, kind: 'array', array: { elementType: elName, dimensions: dims.map((d) => ({ startingIndex: { kind: 'fixed', value: 0 }, endingIndex: { kind: 'fixed', value: Number(d) - 1 } })) } });
    }
    // A name may appear once per APID; across APIDs it is one parameter, so its type must agree.
    const known = params.find((p) => p.name === name);
    if (known && (known.type !== typeName || entries.some((e) => e.kind !== 'container' && e.parameter === name))) fail(`field ${name} is defined twice${known.type !== typeName ? ' with different types' : ''}`);
    if (!known) params.push({ name, type: typeName, source: at });
    const fill = pendingFill.get(apid) ?? 0;
    pendingFill.delete(apid);
    const location = offset !== undefined ? { reference: 'containerStart' as const, bits: offset } : fill ? { reference: 'previousEntry' as const, bits: fill } : undefined;
    entries.push({ kind: dims.length ? 'array' : 'parameter', parameter: name, ...(location ? { location } : {}), source: at });
  }
  const containers: Container[] = [{ name: 'CCSDS_HEADER', abstract: true, entries: HEADER.map(([name]) => ({ kind: 'parameter', parameter: name })) }];
  for (const [apid, entries] of byApid) {
    containers.push({
      name: apid === '' ? 'FIELDS' : `APID_${apid}`,
      abstract: false,
      base: { container: 'CCSDS_HEADER', ...(apid === '' ? {} : { restriction: { kind: 'comparison', ref: { parameter: 'CCSDS_APID', useCalibratedValue: false }, operator: '==', value: apid } }) },
      entries,
    });
  }
  const db: TmDatabase = { name: file, parameterTypes: [...types.values()], parameters: params, containers };
  const problems = checkTmDatabase(db, (x) => x.source ?? file);
  if (problems.length) throw new InputError(`${problems[0]!.path}: ${problems[0]!.message}`, problems.slice(1));
  return db;
}
