/**
 * @module Validate PDS4 labels against the IM 1.26.0.0 common dictionary: well-formedness and XML
 * Schema 1.0 with xmllint-wasm, then the ISO Schematron with node-schematron (see `_xsd.ts`,
 * `_schematron.ts`). Both come from the `.xsd`/`.sch` files found by `schema-dir.ts`; nothing is
 * hand-written here. The compiled Schematron is kept for the life of the process; the XSD is
 * compiled once per xmllint run, and a run covers up to 64 labels.
 *
 * Only the `pds` namespace is checked: elements of discipline or mission dictionaries (`psa:`,
 * `img:`, `geom:` …) appear as XSD errors "No matching global element declaration available, but
 * demanded by the strict wildcard" because their schemas are not loaded.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseXmlDocument, type Document, type Node } from 'slimdom';
import { elementStartLines } from './_element-lines.js';
import { compileSchematron, elementIndex, type CompiledSchematron } from './_schematron.js';
import { xsdValidateMany, type XsdFinding } from './_xsd.js';
import { resolveSchemaFiles, type SchemaFiles } from './schema-dir.js';

/** One problem in one label. */
export interface LabelProblem {
  readonly file: string;
  /** 1-based line of the offending element (Schematron: the rule's context element). */
  readonly line: number | undefined;
  readonly severity: 'error' | 'warning';
  /** `xml` well-formedness, `xsd` XML Schema, `schematron` Schematron rules. */
  readonly source: 'xml' | 'xsd' | 'schematron';
  readonly message: string;
  /** Schematron only: the PDS rule name (the assertion's `<title>`). */
  readonly rule?: string;
}

export interface ValidateOptions {
  /** Folder with `PDS4_PDS_1Q00.xsd` and `.sch`. Default: env `IDOC_PDS4_DIR`, else `../shared/pds4` beside the package. */
  readonly schemaDir?: string;
}

/** File name endings taken when validating a folder. */
export const LABEL_EXTENSIONS: readonly string[] = ['.xml', '.lblx'];

const compiled = new Map<string, CompiledSchematron>();

/** The compiled Schematron for a schema folder, compiled on first use (~1 s) and kept. */
export function schematronFor(files: SchemaFiles): CompiledSchematron {
  let c = compiled.get(files.sch);
  if (!c) {
    c = compileSchematron(readFileSync(files.sch, 'utf8'));
    compiled.set(files.sch, c);
  }
  return c;
}

/**
 * Validate one label given as text. Resolves to its problems (empty: valid), ordered by line.
 * @throws InputError when the schema folder or its files are missing.
 */
export async function validateLabel(xmlText: string, fileName: string, opts: ValidateOptions = {}): Promise<LabelProblem[]> {
  const [problems] = await validateTexts([{ file: fileName, text: xmlText }], opts);
  return problems ?? [];
}

/**
 * Validate a label file, or every `*.xml`/`*.lblx` under a folder (recursively, in sorted order).
 * @throws the file system error (ENOENT, EACCES…) when the path or a file cannot be read.
 */
export async function validatePath(target: string, opts: ValidateOptions = {}): Promise<{ files: number; problems: LabelProblem[] }> {
  const files = statSync(target).isDirectory() ? labelFilesUnder(target) : [target];
  const inputs = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const perFile = await validateTexts(inputs, opts);
  return { files: files.length, problems: perFile.flat() };
}

/** Every label file under `dir`, depth first, names sorted (byte order) for a stable report. */
export function labelFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...labelFilesUnder(p));
    else if (e.isFile() && LABEL_EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x))) out.push(p);
  }
  return out;
}

async function validateTexts(inputs: readonly { file: string; text: string }[], opts: ValidateOptions): Promise<LabelProblem[][]> {
  const files = resolveSchemaFiles(opts.schemaDir);
  // xmllint runs in a worker thread: start it, then run the Schematron here meanwhile.
  const xsdRun = xsdValidateMany(files.xsd, inputs.map((i) => i.text));
  xsdRun.catch(() => undefined); // observed below; avoid an unhandled rejection while the Schematron runs
  let schematron: CompiledSchematron;
  try {
    schematron = schematronFor(files);
  } catch (e) {
    await xsdRun.catch(() => undefined);
    throw e;
  }
  const fromSchematron = inputs.map(({ file, text }) => runSchematron(schematron, file, text));
  const fromXsd = await xsdRun;
  return inputs.map(({ file }, i) => {
    const xsd = (fromXsd[i] ?? []).map((f) => xsdProblem(file, f));
    const notWellFormed = xsd.some((p) => p.source === 'xml' && p.severity === 'error');
    const sch = fromSchematron[i] ?? [];
    // A label that is not well-formed has no tree: keep the parser's messages, not slimdom's.
    const all = notWellFormed ? [...xsd, ...sch.filter((p) => p.source !== 'xml')] : [...xsd, ...sch];
    return sortProblems(all);
  });
}

const xsdProblem = (file: string, f: XsdFinding): LabelProblem => ({
  file, line: f.line, severity: f.severity, source: f.source, message: f.message,
});

function runSchematron(schematron: CompiledSchematron, file: string, text: string): LabelProblem[] {
  let doc: Document;
  try {
    doc = parseXmlDocument(text);
  } catch (e) {
    return [{ file, line: undefined, severity: 'error', source: 'xml', message: `not well-formed: ${(e as Error).message.split('\n')[0]}` }];
  }
  let findings;
  try {
    findings = schematron.validate(doc);
  } catch (e) {
    return [{ file, line: undefined, severity: 'error', source: 'schematron', message: `Schematron could not be evaluated: ${(e as Error).message.split('\n')[0]}` }];
  }
  if (findings.length === 0) return [];
  const lines = elementStartLines(text);
  const index = elementIndex(doc);
  return findings.map((f) => ({
    file,
    line: lineOf(f.node, index, lines),
    severity: f.severity,
    source: 'schematron' as const,
    message: f.message,
    rule: f.rule,
  }));
}

function lineOf(node: Node, index: Map<Node, number>, lines: readonly number[]): number | undefined {
  let n: Node | null = node;
  while (n !== null && !index.has(n)) {
    n = (n as { ownerElement?: Node | null }).ownerElement ?? n.parentNode;
  }
  if (n === null) return undefined;
  return lines[index.get(n) ?? -1];
}

const SOURCE_ORDER = { xml: 0, xsd: 1, schematron: 2 } as const;

/** Order by line (unknown last), then xml → xsd → schematron; stable otherwise. */
export function sortProblems(problems: readonly LabelProblem[]): LabelProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) =>
      (a.p.line ?? Infinity) - (b.p.line ?? Infinity) ||
      SOURCE_ORDER[a.p.source] - SOURCE_ORDER[b.p.source] ||
      a.i - b.i)
    .map(({ p }) => p);
}

/** One report line: `file:line: severity source: message` (`file:?:` when the line is unknown). */
export const formatProblem = (p: LabelProblem): string =>
  `${p.file}:${p.line ?? '?'}: ${p.severity} ${p.source}: ${p.message}`;
