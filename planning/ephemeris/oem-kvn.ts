/**
 * @module OEM in keyword = value notation (CCSDS 502.0-B-2 and -B-3 §5, §7): header, then one or more
 * segments of META_START…META_STOP metadata and ephemeris data lines, each optionally followed by a
 * COVARIANCE_START…COVARIANCE_STOP block (skipped). COMMENT lines are allowed where the standard allows them.
 */
import { InputError } from '../../src/errors.js';
import { buildSegment, checkVersion, type Located, type OemMessage, type OemSegment, type RawRow } from './oem-segment.js';

const KV = /^([A-Z0-9_]+)\s*=\s*(.*?)\s*$/;

/**
 * Parse an OEM KVN text.
 * @throws InputError naming `file:line` (missing keywords, malformed lines, epochs out of order…).
 */
export function parseOemKvn(text: string, file: string): OemMessage {
  const lines = text.split(/\r?\n/);
  const header = new Map<string, Located>();
  const segments: OemSegment[] = [];
  type Mode = 'header' | 'meta' | 'data' | 'cov';
  let mode: Mode = 'header';
  let meta = new Map<string, Located>();
  let rows: RawRow[] = [];
  let metaLine = 0;
  let cov = 0;
  const flush = () => {
    if (metaLine > 0) segments.push(buildSegment(meta, rows, file, metaLine, cov));
    meta = new Map();
    rows = [];
    cov = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const l = lines[i]!.trim();
    if (l === '' || l.startsWith('COMMENT')) continue;
    if (mode === 'cov') {
      if (l === 'COVARIANCE_STOP') mode = 'data';
      continue;
    }
    if (l === 'META_START') {
      if (mode === 'meta') throw new InputError(`${file}:${n}: META_START inside metadata (META_STOP missing)`);
      flush();
      mode = 'meta';
      metaLine = n;
      continue;
    }
    if (l === 'META_STOP') {
      if (mode !== 'meta') throw new InputError(`${file}:${n}: META_STOP without META_START`);
      mode = 'data';
      continue;
    }
    if (l === 'COVARIANCE_START') {
      if (mode !== 'data') throw new InputError(`${file}:${n}: COVARIANCE_START outside a segment's data`);
      mode = 'cov';
      cov++;
      continue;
    }
    if (mode === 'header' || mode === 'meta') {
      const m = KV.exec(l);
      if (!m) throw new InputError(`${file}:${n}: expected KEYWORD = value, found "${l.slice(0, 60)}"`);
      const target = mode === 'header' ? header : meta;
      if (target.has(m[1]!)) throw new InputError(`${file}:${n}: ${m[1]} given twice`);
      target.set(m[1]!, { value: m[2]!, line: n });
      continue;
    }
    // Data line: epoch then 6 or 9 numbers.
    const parts = l.split(/\s+/);
    if (KV.test(l)) throw new InputError(`${file}:${n}: keyword line "${l.slice(0, 40)}" among ephemeris data (META_START missing?)`);
    rows.push({ epoch: parts[0]!, values: parts.slice(1), line: n });
  }
  if (mode === 'meta') throw new InputError(`${file}:${metaLine}: META_START without META_STOP`);
  if (mode === 'cov') throw new InputError(`${file}:${lines.length}: COVARIANCE_START without COVARIANCE_STOP`);
  const version = checkVersion(header.get('CCSDS_OEM_VERS'), file, 1);
  for (const k of ['CREATION_DATE', 'ORIGINATOR']) {
    if (!header.has(k)) throw new InputError(`${file}:1: header lacks ${k}`);
  }
  if (metaLine === 0) throw new InputError(`${file}:${lines.length}: no segment (META_START) found`);
  flush();
  return { format: 'kvn', version, originator: header.get('ORIGINATOR')!.value, creationDate: header.get('CREATION_DATE')!.value, segments };
}
