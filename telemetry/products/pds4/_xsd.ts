/**
 * @module XML Schema 1.0 validation with xmllint-wasm (libxml2's `xmllint --schema`, compiled to
 * WebAssembly, run in a worker thread). Each run compiles the 425 kB PDS4 XSD again (~250 ms) and
 * the compiled schema cannot be kept, so labels are validated in batches: one run per
 * {@link XSD_BATCH_SIZE} labels costs the compile once (~2 ms per extra label).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { InputError } from '../../../src/errors.js';
import { packageRoot } from './schema-dir.js';

/** Labels per xmllint run. A run holds all its inputs in wasm memory, so the batch is bounded. */
export const XSD_BATCH_SIZE = 64;

/** One message of xmllint about one label. */
export interface XsdFinding {
  readonly line: number | undefined;
  readonly severity: 'error' | 'warning';
  /** `xml`: well-formedness / namespaces (parser); `xsd`: schema validity. */
  readonly source: 'xml' | 'xsd';
  readonly message: string;
}

const schemaBytes = new Map<string, Uint8Array>();
const schemaOf = (xsdPath: string): Uint8Array => {
  let bytes = schemaBytes.get(xsdPath);
  if (!bytes) {
    bytes = readFileSync(xsdPath);
    schemaBytes.set(xsdPath, bytes);
  }
  return bytes;
};

/**
 * The PSA mission-dictionary subset idoc writes (`psa-subset.xsd`, beside this module's source). When found it is
 * the main schema and imports the PDS XSD (preloaded under its own name), so `psa:` elements of a Mission_Area
 * are checked; else the PDS XSD alone is used (and `psa:` elements are reported as undeclared).
 */
function psaSubset(): { fileName: string; contents: Uint8Array } | undefined {
  const root = packageRoot();
  if (root === undefined) return undefined;
  const file = path.join(root, 'telemetry/products/pds4/psa-subset.xsd');
  try {
    return { fileName: 'psa-subset.xsd', contents: schemaOf(file) };
  } catch {
    return undefined;
  }
}

// `l12.xml:76: Schemas validity error : Element '…': …` (xmllint's error format, libxml2 xmlerror.c).
const MESSAGE = /^l(\d+)\.xml:(\d+): (.*?(?:error|warning)) : (.*)$/;

/** Split xmllint's stderr into findings per input index; drop summaries and source excerpts. */
export function parseXmllintOutput(output: string, count: number): XsdFinding[][] {
  const out: XsdFinding[][] = Array.from({ length: count }, () => []);
  for (const line of output.split('\n')) {
    const m = MESSAGE.exec(line);
    if (!m) continue;
    const list = out[Number(m[1])];
    if (!list) continue;
    const kind = m[3] ?? '';
    list.push({
      line: Number(m[2]),
      severity: /warning$/.test(kind) ? 'warning' : 'error',
      source: kind.startsWith('Schemas') ? 'xsd' : 'xml',
      message: (m[4] ?? '').trim(),
    });
  }
  return out;
}

/**
 * Validate label texts against the XSD at `xsdPath`. Resolves to one finding list per text.
 * @throws InputError when xmllint cannot compile the schema itself.
 */
export async function xsdValidateMany(xsdPath: string, texts: readonly string[]): Promise<XsdFinding[][]> {
  // A label that names its own PSA schema (`xsi:schemaLocation`, e.g. ESA's labels) is checked against the PDS XSD
  // alone: its PSA dictionary is not available here and the subset is not it.
  const own = texts.map((t) => !NAMES_PSA_SCHEMA.test(t.slice(0, 4096)));
  const results: XsdFinding[][] = new Array<XsdFinding[]>(texts.length);
  const psa = psaSubset();
  for (const withSubset of [true, false]) {
    const idx = texts.flatMap((_, i) => ((own[i]! && psa !== undefined) === withSubset ? [i] : []));
    if (idx.length === 0) continue;
    const found = await runXmllint(xsdPath, idx.map((i) => texts[i]!), withSubset ? psa : undefined);
    idx.forEach((i, k) => { results[i] = found[k]!; });
  }
  return results;
}

const NAMES_PSA_SCHEMA = /schemaLocation="[^"]*http:\/\/psa\.esa\.int\/psa\/v1\s/;

async function runXmllint(xsdPath: string, texts: readonly string[], psa: { fileName: string; contents: Uint8Array } | undefined): Promise<XsdFinding[][]> {
  const pds = { fileName: path.basename(xsdPath), contents: schemaOf(xsdPath) };
  const schema = psa ?? pds;
  const results: XsdFinding[][] = [];
  for (let start = 0; start < texts.length; start += XSD_BATCH_SIZE) {
    const chunk = texts.slice(start, start + XSD_BATCH_SIZE);
    const bytes = chunk.reduce((n, t) => n + t.length, 0) * 2 + pds.contents.length;
    const xml = chunk.map((contents, i) => ({ fileName: `l${i}.xml`, contents }));
    let output: string;
    try {
      const r = await validateXML({
        xml,
        schema: [schema],
        ...(psa ? { preload: [pds] } : {}),
        // 64 KiB pages: room for the inputs, the compiled schema and the parsed trees.
        maxMemoryPages: Math.min(65536, 2048 + Math.ceil((bytes * 8) / 65536)),
      });
      output = r.rawOutput;
    } catch (e) {
      // xmllint exits 1 when a file is not well-formed: its stderr still lists every message.
      const err = e as Error & { code?: unknown };
      if (err.code === 5) throw new InputError(`${xsdPath}: xmllint cannot compile the schema: ${firstLine(err.message)}`);
      if (typeof err.code !== 'number') throw e;
      output = err.message;
    }
    results.push(...parseXmllintOutput(output, chunk.length));
  }
  return results;
}

const firstLine = (s: string): string => s.split('\n').find((l) => l.trim() !== '') ?? s;
