/**
 * @module SCOS-2000 MIB telemetry tables → {@link TmDatabase} (EGOS-MCS-S2K-ICD-0001 §3.3; the tables and their
 * meaning as formats-wave2.md §2 gives them). Packets: PID rows (VALID ≠ N) identified by APID, PUS type and
 * subtype (octets 7 and 8, PUS-A/PUS-C TM) and, where PIC places them, PI1/PI2 values; named by TPCF.
 * Parameters placed by PLF (octet and bit offset from the packet start) and, for variable packets (PID_TPSD
 * with VPD rows), by VPD one after the other from the end of the data field header (6 + PID_DFHSIZE octets):
 * VPD_OFFSET bits after the previous one, groups repeated by a counter (VPD_GRPSIZE rows) or a fixed count
 * (VPD_FIXREP, the counter then not in the packet), a choice (VPD_CHOICE = Y: the value is the TPSD of the rest
 * of the packet), deduced parameters (PTC 11: the type of the parameter whose PCF_PID a preceding
 * VPD_PIDREF = Y field gives). PTC/PFC give the encoding (ptc-pfc.ts, times from `epoch`); calibrations:
 * CAF/CAP numerical curves (linear, extrapolated when CAF_INTER = P), TXF/TXP texts, MCF polynomials, LGF
 * logarithmic, CUR conditional choice; monitoring: OCF/OCP soft (S → warning) and hard (H → critical) limit
 * ranges, per RLCHK/VALPAR context. Refused with the record (`table.dat:line`): repeated occurrences
 * (PLF_NBOCC > 1), VPD_FIXREP −1, choices inside groups, PTC 9 PFC 0, PTC 10 PFC 1/2, PTC 12. Skipped with a note:
 * delta, status-consistency and event checks, checks on raw values of calibrated parameters, ASCII limits,
 * saved synthetic parameters (PTC 13, never in a packet).
 */
import { InputError, type Problem } from '../../errors.js';
import { checkTmDatabase } from '../check.js';
import type { Alarm, Calibrator, Container, Entry, MatchCriteria, Parameter, ParameterType, TimeEpoch, TmDatabase } from '../types.js';
import { ptcPfcEncoding } from './ptc-pfc.js';
import { taiToUtcIso, utcToTai } from '../../time/utc.js';
import { readTmMibTable, type TmMibRow, type TmMibTable } from './tables.js';

const HEADER: readonly (readonly [string, number])[] = [
  ['CCSDS_VERSION', 3], ['CCSDS_TYPE', 1], ['CCSDS_SEC_HDR_FLAG', 1], ['CCSDS_APID', 11], ['CCSDS_SEQ_FLAGS', 2], ['CCSDS_SEQ_COUNT', 14], ['CCSDS_LENGTH', 16],
  ['PUS_HEADER_OCTET', 8], ['PUS_TYPE', 8], ['PUS_SUBTYPE', 8],
];

export interface MibLoad {
  readonly db: TmDatabase;
  /** What was skipped (never something that changes decoded values). */
  readonly notes: readonly Problem[];
}

/**
 * Load the telemetry tables of the MIB in `dir`.
 * @throws InputError naming `table.dat:line` for what cannot be decoded faithfully.
 */
export interface MibOptions {
  /**
   * Epoch of absolute times (PTC 9): the mission's packet time epoch (the config's `packets.time`, as for the CUC
   * and CDS of the secondary header: {@link timeEpochOfTai}); default TAI (1958-01-01, the CCSDS 301.0-B-4 level-1 epoch).
   */
  readonly epoch?: TimeEpoch;
}

/**
 * The {@link TimeEpoch} of a mission's packet time epoch (TAI seconds since 1958, as the packet profile keeps it,
 * src/ccsds/profile.ts): `TAI` for the CCSDS epoch (0), else the UTC instant (ISO-8601 with Z) it is.
 * @throws InputError when the instant cannot be written as UTC exactly (before 1972, where UTC−TAI is not whole).
 */
export function timeEpochOfTai(epochTai: number): TimeEpoch {
  if (epochTai === 0) return 'TAI';
  const iso = taiToUtcIso(epochTai, 9);
  if (Math.abs(utcToTai(iso) - epochTai) > 1e-6) throw new InputError(`packet time epoch ${epochTai} s after 1958 TAI (${iso}) cannot be written as a UTC instant exactly`);
  return iso;
}

export function loadMibTm(dir: string, options: MibOptions = {}): MibLoad {
  const t = (name: TmMibTable) => readTmMibTable(dir, name);
  const notes: Problem[] = [];
  function fail(row: TmMibRow, message: string): never {
    throw new InputError(`${row.at}: ${message}`);
  }
  const num = (row: TmMibRow, col: string, dflt?: number, radix = 'D'): number => {
    const v = row.fields[col] ?? '';
    if (v === '') {
      if (dflt === undefined) fail(row, `${col} is required`);
      return dflt!;
    }
    const n = radix === 'H' ? parseInt(v, 16) : radix === 'O' ? parseInt(v, 8) : Number(v);
    if (!Number.isFinite(n) || (radix !== 'D' && !/^[0-9a-fA-F]+$/.test(v))) fail(row, `${col} "${v}" is not a number`);
    return n;
  };

  const pids = t('pid');
  const pcf = t('pcf');
  if (!pids.length || !pcf.length) throw new InputError(`${dir}: no pid.dat or pcf.dat: not a SCOS-2000 MIB folder`);
  const vpdRows = new Map<string, TmMibRow[]>();
  for (const r of t('vpd')) vpdRows.set(r.fields['VPD_TPSD']!, [...(vpdRows.get(r.fields['VPD_TPSD']!) ?? []), r]);

  // ---- calibrations ----
  const caps = new Map<string, TmMibRow[]>();
  for (const r of t('cap')) caps.set(r.fields['CAP_NUMBR']!, [...(caps.get(r.fields['CAP_NUMBR']!) ?? []), r]);
  const caf = new Map(t('caf').map((r) => [r.fields['CAF_NUMBR']!, r]));
  const txps = new Map<string, TmMibRow[]>();
  for (const r of t('txp')) txps.set(r.fields['TXP_NUMBR']!, [...(txps.get(r.fields['TXP_NUMBR']!) ?? []), r]);
  const txf = new Map(t('txf').map((r) => [r.fields['TXF_NUMBR']!, r]));
  const mcf = new Map(t('mcf').map((r) => [r.fields['MCF_IDENT']!, r]));
  const lgf = new Map(t('lgf').map((r) => [r.fields['LGF_IDENT']!, r]));
  const numerical = (id: string, user: TmMibRow): Calibrator => {
    const c = caf.get(id);
    if (c) {
      const radix = c.fields['CAF_RADIX'] || 'D';
      const points = (caps.get(id) ?? []).map((p) => ({ raw: num(p, 'CAP_XVALS', undefined, radix), calibrated: num(p, 'CAP_YVALS') })).sort((a, b) => a.raw - b.raw);
      if (points.length < 2) fail(c, `curve ${id} has fewer than two CAP points`);
      return { kind: 'spline', order: 1, extrapolate: c.fields['CAF_INTER'] === 'P', points };
    }
    const m = mcf.get(id);
    if (m) {
      const terms = ['MCF_POL1', 'MCF_POL2', 'MCF_POL3', 'MCF_POL4', 'MCF_POL5'].map((col, e) => ({ col, e })).filter(({ col }) => m.fields[col] !== '').map(({ col, e }) => ({ coefficient: num(m, col), exponent: e }));
      return { kind: 'polynomial', terms };
    }
    const l = lgf.get(id);
    if (l) {
      // LGF_POL1 = A0 … LGF_POL5 = A4; trailing empty columns are 0.
      const coefficients = ['LGF_POL1', 'LGF_POL2', 'LGF_POL3', 'LGF_POL4', 'LGF_POL5'].map((col) => (l.fields[col] ? num(l, col) : 0));
      while (coefficients.length > 1 && coefficients[coefficients.length - 1] === 0) coefficients.pop();
      return { kind: 'logarithmic', coefficients };
    }
    return fail(user, `calibration ${id} is in none of CAF, MCF, LGF`);
  };

  // ---- limits ----
  const ocf = new Map(t('ocf').map((r) => [r.fields['OCF_NAME']!, r]));
  const ocps = new Map<string, TmMibRow[]>();
  for (const r of t('ocp')) ocps.set(r.fields['OCP_NAME']!, [...(ocps.get(r.fields['OCP_NAME']!) ?? []), r]);
  const contextOf = (rlchk: string, valpar: number): MatchCriteria => ({ kind: 'comparison', ref: { parameter: rlchk, useCalibratedValue: false }, operator: '==', value: String(valpar) });

  // ---- parameters ----
  const types: ParameterType[] = [];
  const params: Parameter[] = [];
  const paramType = new Map<string, ParameterType>();
  const u = (bits: number): ParameterType => ({ name: `u${bits}`, kind: 'integer', encoding: { kind: 'integer', sizeInBits: bits, encoding: 'unsigned', byteOrder: 'big' } });
  const builtin = new Map<number, ParameterType>();
  const uType = (bits: number): string => {
    if (!builtin.has(bits)) { const x = u(bits); builtin.set(bits, x); types.push({ ...x, name: `MIB_U${bits}` }); }
    return `MIB_U${bits}`;
  };
  for (const [name, bits] of HEADER) params.push({ name, type: uType(bits) });
  const curs = new Map<string, TmMibRow[]>();
  for (const r of t('cur')) curs.set(r.fields['CUR_PNAME']!, [...(curs.get(r.fields['CUR_PNAME']!) ?? []), r]);

  const deduced = new Map<string, TmMibRow>();
  const synthetic = new Map<string, TmMibRow>();
  /** PCF_PID (on-board parameter id) → parameter, for deduced parameters. */
  const onBoardId = new Map<number, string>();
  for (const r of pcf) {
    const name = r.fields['PCF_NAME']!;
    const ptc = num(r, 'PCF_PTC');
    const pfc = num(r, 'PCF_PFC');
    const enc = ptcPfcEncoding(ptc, pfc, options.epoch);
    if ('unsupported' in enc) throw new InputError(`${r.at}: ${name}: ${enc.unsupported}`);
    if ('deduced' in enc) {
      deduced.set(name, r);
      continue;
    }
    if ('synthetic' in enc) {
      synthetic.set(name, r);
      notes.push({ code: 'skipped', path: r.at, message: `${name}: saved synthetic parameter (PTC 13), never in a packet: skipped` });
      continue;
    }
    const type: { -readonly [K in keyof ParameterType]: ParameterType[K] } = { name, kind: enc.kind, encoding: enc.encoding, source: r.at };
    if (enc.time) type.time = enc.time;
    if (enc.calibrator) type.calibrator = enc.calibrator;
    if (enc.unit) type.unit = enc.unit;
    if (r.fields['PCF_PID']) onBoardId.set(num(r, 'PCF_PID'), name);
    if (r.fields['PCF_UNIT']) type.unit = r.fields['PCF_UNIT'];
    if (r.fields['PCF_DESCR']) type.description = r.fields['PCF_DESCR'];
    const curtx = r.fields['PCF_CURTX'] ?? '';
    const categ = r.fields['PCF_CATEG'] || 'N';
    if (categ === 'S') {
      const x = txf.get(curtx);
      if (!x) fail(r, `${name}: status parameter without a TXF calibration ("${curtx}")`);
      type.kind = 'enumerated';
      type.enumeration = (txps.get(curtx) ?? []).map((p) => {
        const from = num(p, 'TXP_FROM');
        const to = num(p, 'TXP_TO');
        return { value: from, ...(to !== from ? { maxValue: to } : {}), label: p.fields['TXP_ALTXT'] ?? '' };
      });
    } else if (curtx !== '' && categ === 'N') {
      if (enc.kind !== 'integer' && enc.kind !== 'float') fail(r, `${name}: a numerical calibration of a ${enc.kind} parameter`);
      if (enc.calibrator) fail(r, `${name}: a numerical calibration of a relative time`);
      type.calibrator = numerical(curtx, r);
    }
    const cur = (curs.get(name) ?? []).sort((a, b) => num(a, 'CUR_POS') - num(b, 'CUR_POS'));
    if (cur.length) {
      if (categ !== 'N') fail(cur[0]!, `${name}: conditional textual calibration is not supported`);
      type.contextCalibrators = cur.map((c) => ({ when: contextOf(c.fields['CUR_RLCHK']!, num(c, 'CUR_VALPAR')), calibrator: numerical(c.fields['CUR_SELECT']!, c) }));
    }
    // Monitoring (OCF/OCP).
    const o = ocf.get(name);
    const checks = (ocps.get(name) ?? []).sort((a, b) => num(a, 'OCP_POS') - num(b, 'OCP_POS'));
    if (o && checks.length) {
      const raw = o.fields['OCF_INTER'] === 'U' && (type.calibrator || type.contextCalibrators || type.kind === 'enumerated');
      if (raw) notes.push({ code: 'skipped', path: o.at, message: `${name}: checks on raw values of a calibrated parameter are not supported: skipped` });
      else if (o.fields['OCF_CODIN'] === 'A') notes.push({ code: 'skipped', path: o.at, message: `${name}: ASCII (status) limits are not supported: skipped` });
      else {
        const groups = new Map<string, { when?: MatchCriteria; ranges: Record<string, { minInclusive: number; maxInclusive: number }> }>();
        for (const c of checks) {
          const kind = c.fields['OCP_TYPE'];
          if (kind !== 'S' && kind !== 'H') {
            notes.push({ code: 'skipped', path: c.at, message: `${name}: OCP_TYPE ${kind} (delta, status consistency or event) checks are not supported: skipped` });
            continue;
          }
          const key = c.fields['OCP_RLCHK'] ? `${c.fields['OCP_RLCHK']}=${num(c, 'OCP_VALPAR', 1)}` : '';
          const g = groups.get(key) ?? { ...(key ? { when: contextOf(c.fields['OCP_RLCHK']!, num(c, 'OCP_VALPAR', 1)) } : {}), ranges: {} };
          groups.set(key, g);
          const level = kind === 'S' ? 'warning' : 'critical';
          if (g.ranges[level]) notes.push({ code: 'skipped', path: c.at, message: `${name}: a second ${level} range in the same context: skipped` });
          else g.ranges[level] = { minInclusive: num(c, 'OCP_LVALU'), maxInclusive: num(c, 'OCP_HVALU') };
        }
        const minViolations = Math.max(1, num(o, 'OCF_NBCHCK', 1));
        const dflt = groups.get('');
        const alarmOf = (ranges: Record<string, { minInclusive: number; maxInclusive: number }>): Alarm => ({ minViolations, staticRanges: { rangeForm: 'outside', ranges } });
        if (dflt) type.alarm = alarmOf(dflt.ranges);
        const ctx = [...groups.values()].filter((g) => g.when);
        // A context check applies with the unconditional ones: its ranges complete the default's.
        if (ctx.length) type.contextAlarms = ctx.map((g) => ({ when: g.when!, alarm: alarmOf({ ...(dflt?.ranges ?? {}), ...g.ranges }) }));
      }
    }
    types.push(type);
    paramType.set(name, type);
    params.push({ name, type: name, ...(type.description ? { description: type.description } : {}), source: r.at });
  }

  // ---- packets ----
  const tpcf = new Map(t('tpcf').map((r) => [r.fields['TPCF_SPID']!, r.fields['TPCF_NAME'] || undefined]));
  const pics = t('pic');
  const picFor = (type: string, stype: string, apid: string) =>
    pics.find((p) => p.fields['PIC_TYPE'] === type && p.fields['PIC_STYPE'] === stype && p.fields['PIC_APID'] === apid) ?? pics.find((p) => p.fields['PIC_TYPE'] === type && p.fields['PIC_STYPE'] === stype && (p.fields['PIC_APID'] ?? '') === '');
  // ---- variable packets (VPD) ----
  const vpdDone = new Map<string, string>();
  const placed = (row: TmMibRow, name: string): void => {
    if (synthetic.has(name)) fail(row, `${name} is a saved synthetic parameter (PTC 13): never in a packet`);
    if (!paramType.has(name)) fail(row, `parameter ${name} is not in pcf.dat`);
  };
  /** Entries that stop decoding with `reason` when none of `alternatives` holds (so nothing after is misread). */
  const noneMatched = (row: TmMibRow, ref: string, values: readonly number[], what: string): Entry => {
    const stop = `MIB_NO_${what}`;
    if (!paramType.has(stop)) {
      // A binary whose size is negative: reading it fails, the packet is reported undecoded with this name.
      const st: ParameterType = { name: stop, kind: 'binary', encoding: { kind: 'binary', size: { kind: 'dynamic', parameter: ref, useCalibratedValue: false, slope: 0, intercept: -1 } }, description: `the value of ${ref} selects nothing in the MIB`, source: row.at };
      types.push(st);
      paramType.set(stop, st);
      params.push({ name: stop, type: stop, description: st.description!, source: row.at });
    }
    return { kind: 'parameter', parameter: stop, includeCondition: { kind: 'and', of: values.map((v) => ({ kind: 'comparison', ref: { parameter: ref, useCalibratedValue: false }, operator: '!=', value: String(v) })) }, source: row.at };
  };
  /** The abstract container of VPD structure `tpsd` (built once), named VPD_<tpsd>. */
  function vpdContainer(tpsd: string, user: TmMibRow): string {
    const done = vpdDone.get(tpsd);
    if (done) return done;
    const name = `VPD_${tpsd}`;
    vpdDone.set(tpsd, name);
    const rows = [...(vpdRows.get(tpsd) ?? fail(user, `TPSD ${tpsd} has no rows in vpd.dat`))].sort((a, b) => num(a, 'VPD_POS') - num(b, 'VPD_POS'));
    /** Entries of rows[k…k+n) (n = Infinity: to the end); returns them and the next row. */
    const list = (k: number, n: number, inGroup: boolean): [Entry[], number] => {
      const out: Entry[] = [];
      let pidref: string | undefined;
      const stop = n === Infinity ? rows.length : k + n;
      if (stop > rows.length) fail(rows[rows.length - 1]!, `the group needs ${n} rows, vpd.dat has fewer for TPSD ${tpsd}`);
      while (k < stop) {
        const row = rows[k]!;
        const p = row.fields['VPD_NAME']!;
        const off = num(row, 'VPD_OFFSET', 0);
        const location = off !== 0 ? { location: { reference: 'previousEntry' as const, bits: off } } : {};
        const grp = num(row, 'VPD_GRPSIZE', 0);
        const fixrep = num(row, 'VPD_FIXREP', 0);
        if (fixrep < 0) fail(row, `${p}: VPD_FIXREP ${fixrep} (repeat to the packet end) is not supported`);
        const isDeduced = deduced.has(p);
        if (isDeduced) {
          if (!pidref) fail(row, `${p} is deduced (PTC 11) but no VPD_PIDREF parameter precedes it`);
          const ids = [...onBoardId.keys()];
          if (!ids.length) fail(row, `${p} is deduced (PTC 11) but no parameter of pcf.dat has a PCF_PID`);
          for (const id of ids) out.push({ kind: 'parameter', parameter: onBoardId.get(id)!, includeCondition: { kind: 'comparison', ref: { parameter: pidref, useCalibratedValue: false }, operator: '==', value: String(id) }, ...location, source: row.at });
          out.push(noneMatched(row, pidref, ids, 'PCF_PID'));
          pidref = undefined;
          k++;
          continue;
        }
        placed(row, p);
        if (grp > 0) {
          const countEntry: Entry[] = fixrep > 0 ? [] : [{ kind: 'parameter', parameter: p, ...location, source: row.at }];
          const [members, next] = list(k + 1, grp, true);
          const g = `VPD_${tpsd}_GROUP_${row.fields['VPD_POS']}`;
          containers.push({ name: g, abstract: true, entries: members, source: row.at });
          out.push(...countEntry, {
            kind: 'container', container: g, source: row.at,
            repeat: { count: fixrep > 0 ? { kind: 'fixed', value: fixrep } : { kind: 'dynamic', parameter: p, useCalibratedValue: false, slope: 1, intercept: 0 } },
            ...(fixrep > 0 ? location : {}),
          });
          k = next;
          continue;
        }
        out.push({ kind: 'parameter', parameter: p, ...location, source: row.at });
        if (row.fields['VPD_PIDREF'] === 'Y') pidref = p;
        k++;
        if (row.fields['VPD_CHOICE'] === 'Y') {
          if (inGroup) fail(row, `${p}: a choice (VPD_CHOICE = Y) inside a group is not supported`);
          if (k < stop) fail(rows[k]!, `rows after the choice ${p} of TPSD ${tpsd}: the choice gives the structure of the rest of the packet`);
          const targets = [...vpdRows.keys()].filter((x) => x !== tpsd && /^-?\d+$/.test(x)).map(Number);
          for (const x of targets) out.push({ kind: 'container', container: vpdContainer(String(x), row), includeCondition: { kind: 'comparison', ref: { parameter: p, useCalibratedValue: false }, operator: '==', value: String(x) }, source: row.at });
          out.push(noneMatched(row, p, targets, 'TPSD'));
        }
      }
      return [out, k];
    };
    const [entries] = list(0, Infinity, false);
    containers.push({ name, abstract: true, entries, source: rows[0]!.at });
    return name;
  }

  const plfs = new Map<string, TmMibRow[]>();
  for (const r of t('plf')) plfs.set(r.fields['PLF_SPID']!, [...(plfs.get(r.fields['PLF_SPID']!) ?? []), r]);

  const containers: Container[] = [{ name: 'MIB_TM', abstract: true, entries: HEADER.map(([name]) => ({ kind: 'parameter', parameter: name })) }];
  const groups = new Map<string, string>();
  const eq = (parameter: string, value: number): MatchCriteria => ({ kind: 'comparison', ref: { parameter, useCalibratedValue: false }, operator: '==', value: String(value) });
  for (const r of pids) {
    if (r.fields['PID_VALID'] === 'N') continue;
    const spid = r.fields['PID_SPID']!;
    const tpsd = r.fields['PID_TPSD'] ?? '';
    const variable = tpsd !== '' && tpsd !== '-1' && tpsd !== '0';
    if (variable && !vpdRows.has(tpsd)) fail(r, `SPID ${spid}: PID_TPSD ${tpsd} has no rows in vpd.dat`);
    const [type, stype, apid] = [num(r, 'PID_TYPE'), num(r, 'PID_STYPE'), num(r, 'PID_APID')];
    const who = (type === 0 ? [eq('CCSDS_APID', apid)] : [eq('CCSDS_APID', apid), eq('PUS_TYPE', type), eq('PUS_SUBTYPE', stype)]);
    const pic = type === 0 ? undefined : picFor(String(type), String(stype), String(apid));
    let base = 'MIB_TM';
    let restriction: MatchCriteria = { kind: 'and', of: who };
    if (pic && num(pic, 'PIC_PI1_OFF', -1) >= 0 && num(pic, 'PIC_PI1_WID', 0) > 0) {
      const key = `${apid}_${type}_${stype}`;
      base = `MIB_${key}`;
      const pi = [['PI1', 'PIC_PI1_OFF', 'PIC_PI1_WID', 'PID_PI1_VAL'], ['PI2', 'PIC_PI2_OFF', 'PIC_PI2_WID', 'PID_PI2_VAL']] as const;
      if (!groups.has(key)) {
        const entries: Entry[] = [];
        for (const [n, off, wid] of pi) {
          if (num(pic, off, -1) < 0 || num(pic, wid, 0) <= 0) continue;
          params.push({ name: `${base}_${n}`, type: uType(num(pic, wid)), source: pic.at });
          entries.push({ kind: 'parameter', parameter: `${base}_${n}`, location: { reference: 'containerStart', bits: 8 * num(pic, off) }, source: pic.at });
        }
        containers.push({ name: base, abstract: true, base: { container: 'MIB_TM', restriction: { kind: 'and', of: who } }, entries, source: pic.at });
        groups.set(key, base);
      }
      const of: MatchCriteria[] = [];
      for (const [n, off, wid, val] of pi) if (num(pic, off, -1) >= 0 && num(pic, wid, 0) > 0) of.push(eq(`${base}_${n}`, num(r, val, 0)));
      restriction = { kind: 'and', of };
    }
    const entries: Entry[] = (plfs.get(spid) ?? [])
      .map((p) => {
        if (num(p, 'PLF_NBOCC', 1) > 1) fail(p, `${p.fields['PLF_NAME']}: repeated occurrences (PLF_NBOCC > 1) are not supported`);
        if (deduced.has(p.fields['PLF_NAME']!)) fail(p, `${p.fields['PLF_NAME']} is deduced (PTC 11): only variable packets (VPD) place deduced parameters`);
        placed(p, p.fields['PLF_NAME']!);
        return { bits: 8 * num(p, 'PLF_OFFBY') + num(p, 'PLF_OFFBI', 0), p };
      })
      .sort((a, b) => a.bits - b.bits)
      .map(({ bits, p }): Entry => ({ kind: 'parameter', parameter: p.fields['PLF_NAME']!, location: { reference: 'containerStart', bits }, source: p.at }));
    if (variable) entries.push({ kind: 'container', container: vpdContainer(tpsd, r), location: { reference: 'containerStart', bits: 8 * (6 + num(r, 'PID_DFHSIZE')) }, source: r.at });
    containers.push({ name: tpcf.get(spid) ?? `SPID_${spid}`, abstract: false, base: { container: base, restriction }, entries, ...(r.fields['PID_DESCR'] ? { description: r.fields['PID_DESCR'] } : {}), source: r.at });
  }
  const db: TmDatabase = { name: dir, parameterTypes: types, parameters: params, containers };
  const problems = checkTmDatabase(db, (x) => x.source ?? dir);
  if (problems.length) throw new InputError(`${problems[0]!.path}: ${problems[0]!.message}`, problems.slice(1));
  return { db, notes };
}
