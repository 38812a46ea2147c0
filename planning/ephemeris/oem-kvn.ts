/**
 * @module OEM in keyword = value notation (CCSDS 502.0-B-1/-B-2/-B-3 §5, §7; versions 1.0, 2.0, 3.0):
 * header, then one or more segments of META_START…META_STOP metadata and ephemeris data lines, each
 * optionally followed by a COVARIANCE_START…COVARIANCE_STOP block (checked, then skipped). COMMENT lines are
 * allowed where the standard allows them. Header and metadata keywords must be known and in the standard's
 * fixed order (tables 5-2, 5-3).
 *
 * Problems are collected: a defect in one segment does not hide one in the next. If there are any, one
 * InputError carries them all (its message is the first; `problems` lists each with its `file:line`).
 */
import { InputError, type Problem } from '../../src/errors.js';
import { refuseBinary } from '../../src/text-guard.js';
import {
  buildSegment, checkCovariance, checkKeywordOrder, checkVersion, headerOrder, oemError, oemProblemsError, problemsOf,
  type Located, type OemMessage, type OemSegment, type RawCovariance, type RawRow,
} from './oem-segment.js';

const KV = /^([A-Z0-9_]+)\s*=\s*(.*?)\s*$/;

/** Collect the problems of an InputError (or rethrow anything else). */
function collect(problems: Problem[], e: unknown): void {
  if (!(e instanceof InputError)) throw e;
  problems.push(...problemsOf(e));
}

/**
 * Parse an OEM KVN text.
 * @throws InputError naming `file:line` (missing keywords, keywords out of order, malformed lines, epochs
 * out of order, covariance malformed…), listing every problem found.
 */
export function parseOemKvn(text: string, file: string): OemMessage {
  refuseBinary(text, file, 'a CCSDS OEM in KVN');
  const lines = text.split(/\r?\n/);
  const problems: Problem[] = [];
  const header = new Map<string, Located>();
  const segments: OemSegment[] = [];
  type Mode = 'header' | 'meta' | 'data' | 'cov';
  let mode: Mode = 'header';
  let meta = new Map<string, Located>();
  let rows: RawRow[] = [];
  let metaLine = 0;
  let cov = 0;
  let matrix: { epoch?: Located; rows: { values: string[]; line: number }[]; line: number } | undefined;
  let firstKeyword = true;
  const endMatrix = () => {
    if (matrix) {
      try { checkCovariance(matrix as RawCovariance, file); } catch (e) { collect(problems, e); }
    }
    matrix = undefined;
  };
  const flush = () => {
    if (metaLine > 0) {
      try { segments.push(buildSegment(meta, rows, file, metaLine, cov)); } catch (e) { collect(problems, e); }
    }
    meta = new Map();
    rows = [];
    cov = 0;
  };
  const bad = (n: number, message: string) => collect(problems, oemError(file, n, message));
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const l = lines[i]!.trim();
    if (l === '') continue;
    if (firstKeyword) {
      firstKeyword = false;
      // §7.2 / table 5-2: the version keyword is the first line of the message.
      if (!/^CCSDS_OEM_VERS\s*=/.test(l.replace(/^\uFEFF/, ''))) bad(n, `the first keyword must be CCSDS_OEM_VERS, found "${l.slice(0, 40)}"`);
    }
    if (l.startsWith('COMMENT')) {
      if (mode === 'header' && header.size > 1) bad(n, 'COMMENT in the header after CREATION_DATE/ORIGINATOR (comments only right after CCSDS_OEM_VERS)');
      if (mode === 'meta' && meta.size > 0) bad(n, 'COMMENT in the metadata after a keyword (comments only right after META_START)');
      continue;
    }
    if (mode === 'cov') {
      if (l === 'COVARIANCE_STOP') { endMatrix(); mode = 'data'; continue; }
      const m = KV.exec(l);
      if (m && m[1] === 'EPOCH') {
        endMatrix();
        matrix = { epoch: { value: m[2]!, line: n }, rows: [], line: n };
      } else if (m && m[1] === 'COV_REF_FRAME') {
        if (!matrix || matrix.rows.length) bad(n, 'COV_REF_FRAME must follow a covariance EPOCH');
      } else if (m) {
        bad(n, `${m[1]} is not a covariance keyword (EPOCH, COV_REF_FRAME)`);
      } else {
        matrix ??= { rows: [], line: n };
        matrix.rows.push({ values: l.split(/\s+/), line: n });
      }
      continue;
    }
    if (l === 'META_START') {
      if (mode === 'meta') { bad(n, 'META_START inside metadata (META_STOP missing)'); continue; }
      flush();
      mode = 'meta';
      metaLine = n;
      continue;
    }
    if (l === 'META_STOP') {
      if (mode !== 'meta') { bad(n, 'META_STOP without META_START'); continue; }
      mode = 'data';
      continue;
    }
    if (l === 'COVARIANCE_START') {
      if (mode !== 'data') { bad(n, "COVARIANCE_START outside a segment's data"); continue; }
      mode = 'cov';
      cov++;
      continue;
    }
    if (l === 'COVARIANCE_STOP') { bad(n, 'COVARIANCE_STOP without COVARIANCE_START'); continue; }
    if (mode === 'header' || mode === 'meta') {
      const m = KV.exec(l);
      if (!m) {
        bad(n, `expected KEYWORD = value, found "${l.slice(0, 60)}"`);
        if (mode === 'meta') { metaLine = 0; mode = 'data'; } // give up on this segment
        continue;
      }
      const target = mode === 'header' ? header : meta;
      if (target.has(m[1]!)) { bad(n, `${m[1]} given twice`); continue; }
      target.set(m[1]!, { value: m[2]!, line: n });
      continue;
    }
    // Data line: epoch then 6 or 9 numbers.
    if (KV.test(l)) { bad(n, `keyword line "${l.slice(0, 40)}" among ephemeris data (META_START missing?)`); continue; }
    const parts = l.split(/\s+/);
    rows.push({ epoch: parts[0]!, values: parts.slice(1), line: n });
  }
  if (mode === 'meta') { bad(metaLine, 'META_START without META_STOP'); metaLine = 0; }
  if (mode === 'cov') { endMatrix(); bad(lines.length, 'COVARIANCE_START without COVARIANCE_STOP'); }
  let version = '';
  try {
    version = checkVersion(header.get('CCSDS_OEM_VERS'), file, 1);
    checkKeywordOrder(header, headerOrder(version), 'header', file);
  } catch (e) { collect(problems, e); }
  for (const k of ['CREATION_DATE', 'ORIGINATOR']) {
    if (!header.has(k)) bad(1, `header lacks ${k}`);
  }
  if (metaLine === 0 && segments.length === 0 && !problems.length) bad(lines.length, 'no segment (META_START) found');
  flush();
  if (problems.length) throw oemProblemsError(problems);
  return { format: 'kvn', version, originator: header.get('ORIGINATOR')!.value, creationDate: header.get('CREATION_DATE')!.value, segments };
}
