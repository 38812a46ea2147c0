/**
 * @module Import of the command tables of a SCOS-2000 MIB (formats.md §6.5) into an idoc JSON database.
 *
 *   ccf.dat  → one command per record: name, description, APID, PUS type/subtype, criticality (Y → critical),
 *              ack flags (CCF_ACK)
 *   cdf.dat  → its elements in bit order: `E` editable parameter, `F` fixed parameter (value = CDF_VALUE),
 *              `A` fixed area without parameter (imported as a fixed unsigned/octets `SPARE_<bit>`);
 *              gaps between elements become zero spares
 *   cpc.dat  → parameter type (PTC/PFC, see ptc-pfc.ts), unit, default (CPC_DEFVAL), references to
 *   prf/prv  → range (PRF_INTER R raw / E engineering; several ranges are merged to their hull, with a problem)
 *   paf/pas  → enumeration labels (PAS_ALTXT ↔ PAS_ALVAL)
 *   cca/ccs  → table calibration; CCS_XVALS read as engineering and CCS_YVALS as raw values (de-calibration
 *              curve; my reading of the ICD, unverified)
 *
 * Values written in the MIB with CDF_INTER / CPC_INTER = R are raw (radix from CPC_RADIX: D, H or O) and are
 * converted to engineering values for the JSON database. Problems (dangling references, unsupported types,
 * bad numbers, length mismatches) name `file.dat:line`; the offending item is left out or degraded, never
 * fatal. Missing ccf/cdf/cpc files are fatal (InputError).
 */
import path from 'node:path';
import { InputError, type Problem } from '../../../src/errors.js';
import { rawToEng } from '../../../src/mdb/commands/calibration.js';
import { checkTcDatabase } from '../load.js';
import type { Calibration, EnumEntry, JsonValue, TcCommand, TcDatabase, TcParameter, ValueRange } from '../../../src/mdb/commands/types.js';
import { ptcPfcToType } from './ptc-pfc.js';
import { readMibTable, type MibRow, type MibTableName } from './tables.js';

/** The imported database and what could not be imported cleanly. */
export interface MibImport {
  readonly db: TcDatabase;
  readonly problems: readonly Problem[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Import the MIB command tables in `dir`.
 * @throws InputError when ccf.dat, cdf.dat or cpc.dat is missing.
 */
export function importMib(dir: string): MibImport {
  const problems: Problem[] = [];
  const warn = (at: string, code: string, message: string) => problems.push({ code, path: at, message });
  const need = (t: MibTableName): MibRow[] => {
    const rows = readMibTable(dir, t);
    if (!rows) throw new InputError(`${path.join(dir, `${t}.dat`)}: missing (a MIB import needs ccf.dat, cdf.dat and cpc.dat)`);
    return rows;
  };
  const ccf = need('ccf');
  const cdf = need('cdf');
  const cpc = need('cpc');
  const opt = (t: MibTableName) => readMibTable(dir, t) ?? [];

  const byKey = (rows: MibRow[], key: string) => {
    const m = new Map<string, MibRow[]>();
    for (const r of rows) {
      const k = r.fields[key]!;
      m.set(k, [...(m.get(k) ?? []), r]);
    }
    return m;
  };
  const prf = byKey(opt('prf'), 'PRF_NUMBR');
  const prv = byKey(opt('prv'), 'PRV_NUMBR');
  const paf = byKey(opt('paf'), 'PAF_NUMBR');
  const pas = byKey(opt('pas'), 'PAS_NUMBR');
  const cca = byKey(opt('cca'), 'CCA_NUMBR');
  const ccs = byKey(opt('ccs'), 'CCS_NUMBR');
  const cpcByName = new Map(cpc.map((r) => [r.fields['CPC_NAME']!, r]));

  // Dangling references inside the optional tables.
  for (const [k, rows] of prv) if (!prf.has(k)) warn(rows[0]!.at, 'dangling-reference', `PRV_NUMBR ${k} has no prf.dat record`);
  for (const [k, rows] of pas) if (!paf.has(k)) warn(rows[0]!.at, 'dangling-reference', `PAS_NUMBR ${k} has no paf.dat record`);
  for (const [k, rows] of ccs) if (!cca.has(k)) warn(rows[0]!.at, 'dangling-reference', `CCS_NUMBR ${k} has no cca.dat record`);

  const parameterTemplate = new Map<string, Mutable<TcParameter> | null>();
  const template = (name: string): Mutable<TcParameter> | null => {
    if (!parameterTemplate.has(name)) parameterTemplate.set(name, buildParameter(cpcByName.get(name)!));
    return parameterTemplate.get(name)!;
  };

  function buildParameter(row: MibRow): Mutable<TcParameter> | null {
    const f = row.fields;
    const t = ptcPfcToType(Number(f['CPC_PTC']), Number(f['CPC_PFC']));
    if (!t.ok) {
      warn(row.at, 'unsupported-type', `${f['CPC_NAME']}: ${t.reason}`);
      return null;
    }
    const p: Mutable<TcParameter> = { name: f['CPC_NAME']!, type: t.type };
    if (f['CPC_DESCR']) p.description = f['CPC_DESCR'];
    if (t.bits !== undefined) p.bits = t.bits;
    if (t.length !== undefined) p.length = t.length;
    if (f['CPC_UNIT']) p.unit = f['CPC_UNIT'];
    const pafRef = f['CPC_PAFREF'];
    if (pafRef) {
      if (!paf.has(pafRef)) warn(row.at, 'dangling-reference', `CPC_PAFREF ${pafRef} of ${p.name} is not in paf.dat`);
      else if (p.type === 'enumerated' || p.type === 'unsigned') {
        const entries: EnumEntry[] = [];
        for (const r of pas.get(pafRef) ?? []) {
          const v = parseMibNumber(r.fields['PAS_ALVAL']!, 'D');
          if (v === undefined || !Number.isInteger(v) || v < 0) warn(r.at, 'bad-number', `PAS_ALVAL ${JSON.stringify(r.fields['PAS_ALVAL'])} is not a raw value`);
          else entries.push({ value: v, label: r.fields['PAS_ALTXT']! });
        }
        if (entries.length) {
          p.type = 'enumerated';
          p.enumeration = entries;
        } else warn(row.at, 'empty-enumeration', `PAF ${pafRef} has no usable pas.dat entries`);
      } else warn(row.at, 'type', `${p.name}: a textual calibration on a ${p.type} parameter is ignored`);
    }
    if (p.type === 'enumerated' && !p.enumeration) {
      warn(row.at, 'missing-enumeration', `${p.name}: enumerated (PTC 2) without a usable CPC_PAFREF, imported as unsigned`);
      p.type = 'unsigned';
    }
    const ccaRef = f['CPC_CCAREF'];
    if (ccaRef) {
      if (!cca.has(ccaRef)) warn(row.at, 'dangling-reference', `CPC_CCAREF ${ccaRef} of ${p.name} is not in cca.dat`);
      else if (p.type === 'unsigned' || p.type === 'signed' || p.type === 'float') {
        const cal = tableCalibration(ccaRef);
        if (cal) p.calibration = cal;
      }
    }
    const prfRef = f['CPC_PRFREF'];
    if (prfRef) {
      if (!prf.has(prfRef)) warn(row.at, 'dangling-reference', `CPC_PRFREF ${prfRef} of ${p.name} is not in prf.dat`);
      else if (p.type !== 'enumerated' && p.type !== 'octets' && p.type !== 'string' && p.type !== 'boolean') {
        const range = valueRange(prfRef, f['CPC_RADIX'] || 'D');
        if (range) p.range = range;
      }
    }
    if (f['CPC_DEFVAL']) {
      const d = mibValue(p, f['CPC_DEFVAL'], f['CPC_INTER'] || 'R', f['CPC_RADIX'] || 'D', row.at, 'CPC_DEFVAL');
      if (d !== undefined) p.default = d;
    }
    return p;
  }

  function tableCalibration(ref: string): Calibration | undefined {
    const points = (ccs.get(ref) ?? []).flatMap((r) => {
      const eng = parseMibNumber(r.fields['CCS_XVALS']!, 'D');
      const raw = parseMibNumber(r.fields['CCS_YVALS']!, cca.get(ref)![0]!.fields['CCA_RADIX'] || 'D');
      if (eng === undefined || raw === undefined) {
        warn(r.at, 'bad-number', `calibration point ${r.fields['CCS_XVALS']} / ${r.fields['CCS_YVALS']} is not numeric`);
        return [];
      }
      return [{ raw, eng }];
    }).sort((a, b) => a.raw - b.raw);
    if (points.length < 2) {
      warn(cca.get(ref)![0]!.at, 'calibration', `calibration ${ref} has fewer than 2 points, ignored`);
      return undefined;
    }
    return { kind: 'table', points };
  }

  function valueRange(ref: string, radix: string): ValueRange | undefined {
    const head = prf.get(ref)![0]!;
    const applies = head.fields['PRF_INTER'] === 'E' ? 'engineering' : 'raw';
    const r = head.fields['PRF_RADIX'] || radix;
    let min: number | undefined;
    let max: number | undefined;
    const rows = prv.get(ref) ?? [];
    for (const row of rows) {
      const lo = parseMibNumber(row.fields['PRV_MINVAL']!, applies === 'raw' ? r : 'D');
      const hiText = row.fields['PRV_MAXVAL'] || row.fields['PRV_MINVAL']!;
      const hi = parseMibNumber(hiText, applies === 'raw' ? r : 'D');
      if (lo === undefined || hi === undefined) {
        warn(row.at, 'bad-number', `range ${row.fields['PRV_MINVAL']}..${hiText} is not numeric`);
        continue;
      }
      min = min === undefined ? lo : Math.min(min, lo);
      max = max === undefined ? hi : Math.max(max, hi);
    }
    if (rows.length > 1) warn(head.at, 'range-union', `range set ${ref} has ${rows.length} ranges; imported as their hull ${min}..${max}`);
    if (min === undefined || max === undefined) return undefined;
    return { min, max, applies };
  }

  /** A MIB value (raw or engineering) as the JSON database writes it. */
  function mibValue(p: TcParameter, text: string, inter: string, radix: string, at: string, column: string): JsonValue | undefined {
    if (p.type === 'string') return text;
    if (p.type === 'octets') return text.replace(/^0x/i, '');
    if (inter === 'E' && p.type === 'enumerated') {
      if (p.enumeration?.some((e) => e.label === text)) return text;
      warn(at, 'enum', `${column} ${JSON.stringify(text)} is not a label of ${p.name}`);
      return undefined;
    }
    const n = parseMibNumber(text, inter === 'E' ? 'D' : radix);
    if (n === undefined) {
      warn(at, 'bad-number', `${column} ${JSON.stringify(text)} of ${p.name} is not a number`);
      return undefined;
    }
    if (p.type === 'boolean') return n !== 0;
    if (inter === 'E') return n;
    if (p.type === 'enumerated') return p.enumeration?.find((e) => e.value === n)?.label ?? n;
    if (p.calibration) {
      const eng = rawToEng(p.calibration, n);
      if (eng === undefined) warn(at, 'calibration', `${column} raw ${n} of ${p.name} is outside its calibration`);
      return eng;
    }
    return n;
  }

  const cdfByCommand = byKey(cdf, 'CDF_CNAME');
  const commands: TcCommand[] = [];
  const known = new Set(ccf.map((r) => r.fields['CCF_CNAME']!));
  for (const [name, rows] of cdfByCommand) {
    if (!known.has(name)) warn(rows[0]!.at, 'dangling-reference', `CDF_CNAME ${name} is not in ccf.dat`);
  }
  for (const row of ccf) {
    const f = row.fields;
    const name = f['CCF_CNAME']!;
    const service = parseMibNumber(f['CCF_TYPE']!, 'D');
    const subtype = parseMibNumber(f['CCF_STYPE']!, 'D');
    const apid = parseMibNumber(f['CCF_APID']!, 'D');
    if (service === undefined || subtype === undefined || apid === undefined) {
      warn(row.at, 'incomplete', `${name}: CCF_TYPE, CCF_STYPE and CCF_APID are needed for a PUS command; skipped`);
      continue;
    }
    const cmd: Mutable<TcCommand> = { name, apid, service, subtype, parameters: [] };
    if (f['CCF_DESCR']) cmd.description = f['CCF_DESCR2'] ? `${f['CCF_DESCR']} — ${f['CCF_DESCR2']}` : f['CCF_DESCR'];
    if (f['CCF_CRITICAL'] === 'Y') cmd.criticality = 'critical';
    const ack = parseMibNumber(f['CCF_ACK']!, 'D');
    if (ack !== undefined && ack >= 0 && ack <= 15) cmd.ackFlags = ack;
    cmd.parameters = commandParameters(cmd, cdfByCommand.get(name) ?? []);
    const npars = parseMibNumber(f['CCF_NPARS']!, 'D');
    const editable = (cdfByCommand.get(name) ?? []).filter((r) => r.fields['CDF_ELTYPE'] === 'E').length;
    if (npars !== undefined && npars !== editable) warn(row.at, 'npars', `${name}: CCF_NPARS ${npars} but ${editable} editable elements in cdf.dat`);
    commands.push(cmd);
  }

  function commandParameters(cmd: TcCommand, rows: MibRow[]): TcParameter[] {
    const out: TcParameter[] = [];
    const names = new Set<string>();
    let bit = 0;
    const sorted = [...rows].sort((a, b) => Number(a.fields['CDF_BIT']) - Number(b.fields['CDF_BIT']));
    for (const r of sorted) {
      const f = r.fields;
      const len = parseMibNumber(f['CDF_ELLEN']!, 'D');
      const at = parseMibNumber(f['CDF_BIT']!, 'D');
      if (len === undefined || at === undefined || len <= 0) {
        warn(r.at, 'bad-number', `${cmd.name}: CDF_ELLEN/CDF_BIT not usable`);
        continue;
      }
      if (at < bit) {
        warn(r.at, 'overlap', `${cmd.name}: element at bit ${at} overlaps the previous one (ends at bit ${bit})`);
        continue;
      }
      if (at > bit) out.push(spare(bit, at - bit, '0'));
      bit = at + len;
      const type = f['CDF_ELTYPE'];
      const pname = f['CDF_PNAME'];
      if (type === 'A' || !pname) {
        out.push(spare(at, len, f['CDF_VALUE'] || '0'));
        continue;
      }
      if (!cpcByName.has(pname)) {
        warn(r.at, 'dangling-reference', `${cmd.name}: CDF_PNAME ${pname} is not in cpc.dat; a zero spare takes its place`);
        out.push(spare(at, len, '0'));
        continue;
      }
      const t = template(pname);
      if (!t) {
        out.push(spare(at, len, '0'));
        continue;
      }
      const p: Mutable<TcParameter> = { ...t };
      const bits = p.type === 'octets' || p.type === 'string' ? 8 * (p.length ?? 0) : (p.bits ?? 1);
      if (bits !== len) warn(r.at, 'length', `${cmd.name}: CDF_ELLEN ${len} but ${pname} (${p.type}) has ${bits} bits; the parameter type wins`);
      bit = at + bits;
      let n = pname;
      for (let k = 2; names.has(n); k++) n = `${pname}_${k}`;
      names.add(n);
      p.name = n;
      if (f['CDF_DESCR'] && !p.description) p.description = f['CDF_DESCR'];
      if (f['CDF_VALUE']) {
        const cpcRow = cpcByName.get(pname)!;
        const v = mibValue(p, f['CDF_VALUE'], f['CDF_INTER'] || 'R', cpcRow.fields['CPC_RADIX'] || 'D', r.at, 'CDF_VALUE');
        if (v !== undefined) p.default = v;
      }
      if (type === 'F') {
        if (p.default === undefined) warn(r.at, 'fixed', `${cmd.name}: fixed element ${pname} has no value`);
        else p.fixed = true;
      }
      out.push(p);
    }
    return out;
  }

  function spare(at: number, len: number, value: string): TcParameter {
    if (len <= 64) {
      const n = parseMibNumber(value, 'H') ?? 0;
      return { name: `SPARE_${at}`, type: 'unsigned', bits: len, fixed: true, default: n };
    }
    const octets = Math.ceil(len / 8);
    return { name: `SPARE_${at}`, type: 'octets', length: octets, fixed: true, default: '00'.repeat(octets) };
  }

  const db: TcDatabase = {
    formatVersion: 1,
    description: `Imported from the SCOS-2000 MIB command tables in ${path.basename(path.resolve(dir))}`,
    commands,
  };
  for (const p of checkTcDatabase(db, 'imported database')) problems.push(p);
  return { db, problems };
}

/** A MIB number in radix D (decimal, also reals), H (hex) or O (octal); undefined when not a number. */
export function parseMibNumber(text: string, radix: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (radix === 'H') return /^(0x)?[0-9a-f]+$/i.test(t) ? parseInt(t.replace(/^0x/i, ''), 16) : undefined;
  if (radix === 'O') return /^[0-7]+$/.test(t) ? parseInt(t, 8) : undefined;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : undefined;
}
