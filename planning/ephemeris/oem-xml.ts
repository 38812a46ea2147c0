/**
 * @module OEM in XML (CCSDS 505.0-B-2/-B-3 NDM/XML; OEM content per 502.0-B-2/-B-3 §5): `<oem version="2.0">`
 * with `<header>` and `<body>` of `<segment>`s, each holding `<metadata>` and `<data>` with `<stateVector>`
 * (EPOCH, X, Y, Z, X_DOT, Y_DOT, Z_DOT [, X_DDOT…]) and optional `<covarianceMatrix>` (checked, then skipped).
 * The OEM may stand alone or inside an NDM combined instantiation (505.0-B-2 §3.4: `<ndm>` holding one or
 * more messages), as NASA JSC publishes the ISS ephemeris; the segments of every `<oem>` in an `<ndm>` are
 * read in order (other message types beside it are ignored). Namespace
 * prefixes are dropped; `units` attributes are ignored (km, km/s by the standard). fast-xml-parser does not
 * report element lines, so lines for messages come from the n-th `<segment`/`<stateVector` tag in the text.
 */
import { createRequire } from 'node:module';
import { InputError, type Problem } from '../../src/errors.js';
import {
  COVARIANCE_XML_KEYS, buildSegment, checkCovariance, checkKeywordOrder, checkVersion, headerOrder, oemError, oemProblemsError, problemsOf,
  type Located, type OemMessage, type OemSegment, type RawRow,
} from './oem-segment.js';
import { refuseUnsafeXml } from '../../src/text-guard.js';

type Node = Record<string, unknown>;

const ARRAYS = new Set(['segment', 'stateVector', 'covarianceMatrix', 'COMMENT', 'oem']);
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
 * fast-xml-parser, loaded on the first XML OEM (its CommonJS build, synchronously): a KVN OEM or a TLE, the
 * usual inputs of `idoc orbit`, does not pay its ~40 ms of module loading at start-up.
 */
let fxp: typeof import('fast-xml-parser') | undefined;
function xmlParser(): typeof import('fast-xml-parser') {
  return (fxp ??= createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser'));
}

/**
 * Parse an OEM XML text.
 * @throws InputError naming `file:line` for XML syntax errors and OEM content errors.
 */
export function parseOemXml(text: string, file: string): OemMessage {
  refuseUnsafeXml(text, file); // XXE, entity expansion, absurd nesting: one line, before the parser
  const { XMLParser, XMLValidator } = xmlParser();
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw oemError(file, valid.err.line, `XML: ${valid.err.msg.replace(/\s+/g, ' ')}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => ARRAYS.has(name),
  });
  const doc = parser.parse(text) as Node;
  const ndm = doc['ndm'] as Node | undefined;
  const oems = ((ndm ? ndm['oem'] : doc['oem']) ?? []) as Node[];
  const oemLines = tagLines(text, 'oem');
  if (oems.length === 0) throw oemError(file, 1, ndm ? 'the <ndm> holds no <oem> message' : 'no <oem> root element (nor an <ndm> holding one)');
  const problems: Problem[] = [];
  const collect = (e: unknown) => {
    if (!(e instanceof InputError)) throw e;
    problems.push(...problemsOf(e));
  };
  const headerLines = tagLines(text, 'header');
  const segLines = tagLines(text, 'segment');
  const svLines = tagLines(text, 'stateVector');
  const covLines = tagLines(text, 'covarianceMatrix');
  let sv = 0;
  let si = 0;
  let ci = 0;
  let version = '';
  let originator = '';
  let creationDate = '';
  const segments: OemSegment[] = [];
  oems.forEach((oem, oi) => {
    const oemLine = oemLines[oi] ?? 1;
    const headerLine = headerLines[oi] ?? oemLine;
    try {
      const v = checkVersion(oem['@version'] !== undefined ? { value: String(oem['@version']), line: oemLine } : undefined, file, oemLine);
      if (oi === 0) version = v;
      const header = (oem['header'] ?? {}) as Node;
      const keys = new Map<string, Located>([['CCSDS_OEM_VERS', { value: v, line: oemLine }]]);
      for (const k of Object.keys(header)) if (k !== 'COMMENT' && !k.startsWith('@') && k !== '#text') keys.set(k, { value: textOf(header[k]) ?? '', line: headerLine });
      checkKeywordOrder(keys, headerOrder(v), 'header', file);
      for (const k of ['CREATION_DATE', 'ORIGINATOR']) {
        if (textOf(header[k]) === undefined) throw oemError(file, headerLine, `header lacks ${k}`);
      }
      if (oi === 0) {
        originator = textOf(header['ORIGINATOR'])!;
        creationDate = textOf(header['CREATION_DATE'])!;
      }
    } catch (e) { collect(e); }
    const body = oem['body'] as Node | undefined;
    const segs = (body?.['segment'] ?? []) as Node[];
    if (segs.length === 0) collect(oemError(file, oemLine, 'no <segment> in <body>'));
    for (const seg of segs) {
      const line = segLines[si++] ?? oemLine;
      const md = (seg['metadata'] ?? {}) as Node;
      const meta = new Map<string, Located>();
      for (const [k, v] of Object.entries(md)) {
        if (k === 'COMMENT' || k.startsWith('@') || k === '#text') continue;
        const value = textOf(v);
        if (value !== undefined) meta.set(k, { value, line });
      }
      const data = (seg['data'] ?? {}) as Node;
      const rows: RawRow[] = [];
      try {
        for (const s of (data['stateVector'] ?? []) as Node[]) {
          const rowLine = svLines[sv++] ?? line;
          const epoch = textOf(s['EPOCH']);
          if (epoch === undefined) throw oemError(file, rowLine, '<stateVector> without EPOCH');
          const values: string[] = [];
          for (const k of STATE_KEYS) {
            const v = textOf(s[k]);
            if (v === undefined) throw oemError(file, rowLine, `<stateVector> without ${k}`);
            values.push(v);
          }
          if (ACC_KEYS.every((k) => s[k] !== undefined)) for (const k of ACC_KEYS) values.push(textOf(s[k])!);
          rows.push({ epoch, values, line: rowLine });
        }
        const covs = (data['covarianceMatrix'] ?? []) as Node[];
        for (const c of covs) {
          const covLine = covLines[ci++] ?? line;
          const missing = COVARIANCE_XML_KEYS.filter((k) => textOf(c[k]) === undefined);
          if (missing.length) throw oemError(file, covLine, `<covarianceMatrix> lacks ${missing.join(', ')} (21 lower-triangle elements expected)`);
          const flat = COVARIANCE_XML_KEYS.map((k) => textOf(c[k])!);
          const epoch = textOf(c['EPOCH']);
          checkCovariance({
            line: covLine,
            ...(epoch !== undefined ? { epoch: { value: epoch, line: covLine } } : {}),
            rows: [0, 1, 2, 3, 4, 5].map((r) => ({ values: flat.slice((r * (r + 1)) / 2, ((r + 1) * (r + 2)) / 2), line: covLine })),
          }, file);
        }
        segments.push(buildSegment(meta, rows, file, line, covs.length));
      } catch (e) { collect(e); }
    }
  });
  if (problems.length) throw oemProblemsError(problems);
  return { format: 'xml', version, originator, creationDate, segments };
}
