/**
 * @module Conformance check of an ephemeris file (what `idoc orbit check` runs): an OEM against CCSDS
 * 502.0-B (via the readers, which reject a non-conforming file for its specific reason: see oem-segment.ts),
 * two-line element sets against their layout and checksums, and each element set through SGP4
 * initialisation. Every problem is one line `file:line: message`; coverage holes inside OEM segments are
 * notes, not problems (the file is valid, idoc just will not interpolate across them).
 */
import { InputError, type Problem } from '../../src/errors.js';
import { isoUtc } from './epoch.js';
import { detectEphemerisFormat } from './load.js';
import { DEFAULT_MAX_GAP_STEPS, segmentHoles } from './oem.js';
import { parseOemKvn } from './oem-kvn.js';
import { problemsOf, type OemMessage } from './oem-segment.js';
import { parseOemXml } from './oem-xml.js';
import { SGP4_ERRORS, parseTle } from './tle.js';
import { twoline2satrec } from 'satellite.js';
import { checkSpk, readSpk } from './spk/spk.js';

/** The verdict on one file. */
export interface EphemerisCheck {
  readonly file: string;
  /** What the file was read as (`unknown` when recognised as nothing). */
  readonly format: 'oem-kvn' | 'oem-xml' | 'tle' | 'spk' | 'unknown';
  readonly valid: boolean;
  /** Every problem found (empty when valid). */
  readonly problems: readonly Problem[];
  /** One line on what a valid file holds. */
  readonly summary?: string;
  /** Things a planner should know that do not make the file invalid (coverage holes). */
  readonly notes: readonly string[];
}

const problemsOfError = (e: unknown): Problem[] => {
  if (!(e instanceof InputError)) throw e;
  return problemsOf(e);
};

function oemSummary(m: OemMessage, file: string, maxGapSteps: number): { summary: string; notes: string[] } {
  const notes: string[] = [];
  let states = 0;
  for (const s of m.segments) {
    states += s.t.length;
    for (const i of segmentHoles(s.t, maxGapSteps)) {
      notes.push(`${file}:${s.lines[i]}-${s.lines[i + 1]}: coverage hole of ${(s.t[i + 1]! - s.t[i]!) / 1000} s between ${isoUtc(s.t[i]!)} and ${isoUtc(s.t[i + 1]!)} (more than ${maxGapSteps} sampling steps): not interpolated across`);
    }
  }
  const objects = [...new Set(m.segments.map((s) => `${s.metadata.objectName} (${s.metadata.objectId})`))].join(', ');
  const centres = [...new Set(m.segments.map((s) => `${s.metadata.centerName}/${s.metadata.refFrame}`))].join(', ');
  const first = m.segments[0]!.t[0]!;
  const last = m.segments.at(-1)!.t.at(-1)!;
  return {
    summary: `OEM ${m.version} ${m.format.toUpperCase()}, ${m.segments.length} segment${m.segments.length === 1 ? '' : 's'}, ${states} states of ${objects}, centre/frame ${centres}, ${isoUtc(first)}…${isoUtc(last)}`,
    notes,
  };
}

/** Check the text of an ephemeris file. */
export function checkEphemerisText(text: string, file: string, options: { readonly maxGapSteps?: number } = {}): EphemerisCheck {
  const format = detectEphemerisFormat(text) ?? 'unknown';
  const maxGapSteps = options.maxGapSteps ?? DEFAULT_MAX_GAP_STEPS;
  try {
    if (format === 'oem-kvn' || format === 'oem-xml') {
      const m = format === 'oem-kvn' ? parseOemKvn(text, file) : parseOemXml(text, file);
      return { file, format, valid: true, problems: [], ...oemSummary(m, file, maxGapSteps) };
    }
    if (format === 'tle') {
      const recs = parseTle(text, file);
      const problems: Problem[] = [];
      for (const r of recs) {
        const sat = twoline2satrec(r.line1, r.line2);
        if (sat.error !== 0) problems.push({ code: 'sgp4', path: `${file}:${r.lineNo}-${r.lineNo + 1}`, message: `SGP4 cannot initialise element set ${r.catalog.trim()} (error ${sat.error}: ${SGP4_ERRORS[sat.error] ?? 'unknown'})` });
      }
      if (problems.length) return { file, format, valid: false, problems, notes: [] };
      const objects = new Set(recs.map((r) => r.catalog.trim())).size;
      const epochs = recs.map((r) => r.epoch);
      return {
        file, format, valid: true, problems: [], notes: [],
        summary: `${recs.length} two-line element set${recs.length === 1 ? '' : 's'} of ${objects} object${objects === 1 ? '' : 's'}, epochs ${isoUtc(Math.min(...epochs))}…${isoUtc(Math.max(...epochs))}`,
      };
    }
  } catch (e) {
    return { file, format, valid: false, problems: problemsOfError(e), notes: [] };
  }
  return { file, format, valid: false, problems: [{ code: 'format', path: `${file}:1`, message: 'neither an OEM (KVN CCSDS_OEM_VERS, XML <oem> or <ndm>) nor two-line element sets' }], notes: [] };
}

/** A NAIF DAF file starts with its ID word, `DAF/SPK ` for an SPK kernel (NAIF DAF Required Reading, "The File Record"). */
const isDaf = (bytes: Uint8Array): boolean => Buffer.from(bytes.subarray(0, 8)).toString('latin1').startsWith('DAF/');

/** Check an ephemeris file's bytes: a JPL SPK kernel (DAF), else the text of an OEM or TLE file. */
export function checkEphemerisFile(bytes: Uint8Array, file: string, options: { readonly maxGapSteps?: number } = {}): EphemerisCheck {
  if (!isDaf(bytes)) return checkEphemerisText(Buffer.from(bytes).toString('utf8'), file, options);
  const problems = checkSpk(bytes, file);
  if (problems.length) return { file, format: 'spk', valid: false, problems: problems.map((message) => ({ code: 'spk', path: file, message: message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message })), notes: [] };
  const kernel = readSpk(bytes, file);
  const bodies = [...new Set(kernel.segments.map((s) => `${s.target}/${s.center}`))].join(', ');
  return { file, format: 'spk', valid: true, problems: [], notes: [], summary: `SPK kernel, ${kernel.segments.length} segment${kernel.segments.length === 1 ? '' : 's'} (target/centre ${bodies})` };
}
