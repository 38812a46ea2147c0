/**
 * @module OEM in XML (CCSDS 505.0-B-2/-B-3 NDM/XML; OEM content per 502.0-B-2/-B-3 §5): `<oem version="2.0">`
 * with `<header>` and `<body>` of `<segment>`s, each holding `<metadata>` and `<data>` with `<stateVector>`
 * (EPOCH, X, Y, Z, X_DOT, Y_DOT, Z_DOT [, X_DDOT…]) and optional `<covarianceMatrix>` (skipped). Namespace
 * prefixes are dropped; `units` attributes are ignored (km, km/s by the standard). fast-xml-parser does not
 * report element lines, so lines for messages come from the n-th `<segment`/`<stateVector` tag in the text.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '../../src/errors.js';
import { refuseUnsafeXml } from '../../src/text-guard.js';
import { buildSegment, checkVersion, type Located, type OemMessage, type OemSegment, type RawRow } from './oem-segment.js';

type Node = Record<string, unknown>;

const ARRAYS = new Set(['segment', 'stateVector', 'covarianceMatrix', 'COMMENT']);
const STATE_KEYS = ['X', 'Y', 'Z', 'X_DOT', 'Y_DOT', 'Z_DOT'] as const;
const ACC_KEYS = ['X_DDOT', 'Y_DDOT', 'Z_DDOT'] as const;

/** Line numbers (1-based) of each occurrence of an opening tag `name` (any namespace prefix). */
function tagLines(text: string, name: string): number[] {
  const out: number[] = [];
  const re = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}[\\s>/]`, 'g');
  let line = 1;
  let pos = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    for (; pos < m.index; pos++) if (text.charCodeAt(pos) === 10) line++;
    out.push(line);
  }
  return out;
}

const textOf = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (typeof v === 'object' && '#text' in (v as Node)) return String((v as Node)['#text']);
  return '';
};

/**
 * Parse an OEM XML text.
 * @throws InputError naming `file:line` for XML syntax errors and OEM content errors.
 */
export function parseOemXml(text: string, file: string): OemMessage {
  refuseUnsafeXml(text, file); // XXE, entity expansion, absurd nesting: one line, before the parser
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new InputError(`${file}:${valid.err.line}: XML: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => ARRAYS.has(name),
  });
  const doc = parser.parse(text) as Node;
  const oem = doc['oem'] as Node | undefined;
  if (!oem) throw new InputError(`${file}:1: no <oem> root element`);
  const oemLine = tagLines(text, 'oem')[0] ?? 1;
  const version = checkVersion(oem['@version'] !== undefined ? { value: String(oem['@version']), line: oemLine } : undefined, file, oemLine);
  const header = (oem['header'] ?? {}) as Node;
  for (const k of ['CREATION_DATE', 'ORIGINATOR']) {
    if (textOf(header[k]) === undefined) throw new InputError(`${file}:${tagLines(text, 'header')[0] ?? oemLine}: header lacks ${k}`);
  }
  const body = oem['body'] as Node | undefined;
  const segs = (body?.['segment'] ?? []) as Node[];
  if (segs.length === 0) throw new InputError(`${file}:${oemLine}: no <segment> in <body>`);
  const segLines = tagLines(text, 'segment');
  const svLines = tagLines(text, 'stateVector');
  let sv = 0;
  const segments: OemSegment[] = [];
  segs.forEach((seg, si) => {
    const line = segLines[si] ?? oemLine;
    const md = (seg['metadata'] ?? {}) as Node;
    const meta = new Map<string, Located>();
    for (const [k, v] of Object.entries(md)) {
      if (k === 'COMMENT' || k.startsWith('@')) continue;
      const value = textOf(v);
      if (value !== undefined) meta.set(k, { value, line });
    }
    const data = (seg['data'] ?? {}) as Node;
    const rows: RawRow[] = [];
    for (const s of (data['stateVector'] ?? []) as Node[]) {
      const rowLine = svLines[sv++] ?? line;
      const epoch = textOf(s['EPOCH']);
      if (epoch === undefined) throw new InputError(`${file}:${rowLine}: <stateVector> without EPOCH`);
      const values: string[] = [];
      for (const k of STATE_KEYS) {
        const v = textOf(s[k]);
        if (v === undefined) throw new InputError(`${file}:${rowLine}: <stateVector> without ${k}`);
        values.push(v);
      }
      if (ACC_KEYS.every((k) => s[k] !== undefined)) for (const k of ACC_KEYS) values.push(textOf(s[k])!);
      rows.push({ epoch, values, line: rowLine });
    }
    const cov = ((data['covarianceMatrix'] ?? []) as unknown[]).length;
    segments.push(buildSegment(meta, rows, file, line, cov));
  });
  return { format: 'xml', version, originator: textOf(header['ORIGINATOR'])!, creationDate: textOf(header['CREATION_DATE'])!, segments };
}
