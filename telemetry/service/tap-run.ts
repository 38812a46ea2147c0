/**
 * @module A TAP query from its parameters to its answer (TAP 1.1 §2.7, DALI 1.1): checked parameters, the ADQL
 * parsed and run over `idoc.epn_core` rows, the result formatted (VOTable 1.4, CSV or JSON). Used by `/tap/sync`
 * on the service's thread and by `/tap/async` jobs in the job worker (the rows the owner may read are computed by
 * the service and handed over as plain data).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseAdql, runQuery, type AdqlTable, type Value } from './adql.js';
import { EPN_COLUMN_NAMES, EPN_COLUMNS, EPN_TABLE } from './epn-core.js';
import { HttpProblem } from './problem.js';
import { csv, formatOf, json, votable, type ResultTable } from './tap-output.js';
import { output, writeAtomically, type JobOutput } from './job-run.js';

export const MAXREC_DEFAULT = 10_000;
export const MAXREC_HARD = 100_000;

export type TapParams = Partial<Record<'LANG' | 'QUERY' | 'REQUEST' | 'RESPONSEFORMAT' | 'FORMAT' | 'MAXREC' | 'RUNID', string>>;

/**
 * Run the query of `p` over the rows `rowsOf` gives (asked for once the parameters and the query are found good).
 * @throws HttpProblem (400) for a bad parameter, AdqlError for a bad query.
 */
export function runTap(p: TapParams, rowsOf: () => readonly Record<string, Value>[]): { mime: string; body: string } {
  if (p.LANG === undefined) throw new HttpProblem(400, 'LANG is required (TAP 1.1 §2.7.1)');
  if (!/^ADQL(-2\.[01])?$/i.test(p.LANG)) throw new HttpProblem(400, `LANG ${p.LANG}: only ADQL`);
  if (p.QUERY === undefined || p.QUERY.trim() === '') throw new HttpProblem(400, 'QUERY is required (TAP 1.1 §2.7.2)');
  if (p.RESPONSEFORMAT !== undefined && p.FORMAT !== undefined) throw new HttpProblem(400, 'RESPONSEFORMAT and FORMAT both given (TAP 1.1 §2.7.3)');
  const fmt = formatOf(p.RESPONSEFORMAT ?? p.FORMAT);
  if (!fmt) throw new HttpProblem(400, `RESPONSEFORMAT ${(p.RESPONSEFORMAT ?? p.FORMAT)!.slice(0, 50)}: use votable, csv or json`);
  const maxrec = Math.min(p.MAXREC !== undefined ? Number(p.MAXREC) : MAXREC_DEFAULT, MAXREC_HARD);
  const q = parseAdql(p.QUERY);
  const table: AdqlTable = { name: EPN_TABLE, columns: EPN_COLUMN_NAMES, rows: rowsOf() };
  const r = runQuery(q, table, maxrec);
  const t: ResultTable = { fields: r.sources.map((s) => EPN_COLUMNS.find((c) => c.name === s)!), names: r.columns, rows: r.rows, overflow: r.overflow };
  return { mime: fmt.mime, body: fmt.kind === 'votable' ? votable(t, p.QUERY) : fmt.kind === 'csv' ? csv(t) : json(t) };
}

/** What the worker gets for a TAP async job (UWS 1.1): the parameters and the `epn_core` rows its owner may read. */
export interface TapJobSpec {
  readonly kind: 'tap';
  readonly parameters: Readonly<Record<string, string>>;
  readonly rows: readonly Record<string, Value>[];
  /** Where the result goes (created). */
  readonly outDir: string;
  /** Test-only: stop after the first part of the result is written (job-run.ts `writeAtomically`). */
  readonly hold?: boolean;
}

/** Run a TAP async job: its one result, `result` (TAP 1.1 §2.2), written whole or not at all. */
export async function runTapJob(spec: TapJobSpec): Promise<JobOutput[]> {
  const out = runTap(spec.parameters, () => spec.rows);
  await mkdir(spec.outDir, { recursive: true });
  const bytes = Buffer.from(out.body, 'utf8');
  const half = bytes.length >> 1;
  await writeAtomically(path.join(spec.outDir, 'result'), (async function* () { yield bytes.subarray(0, half); yield bytes.subarray(half); })(), spec.hold === true);
  return [await output(spec.outDir, 'result', 'result', out.mime)];
}
