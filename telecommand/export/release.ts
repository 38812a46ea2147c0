/**
 * @module Releasing a validated plan for uplink: the policy of `idoc plan export`. A plan whose validation found
 * errors is refused unless the operator forces it with a waiver (a reason, recorded in the exported file: the ITL
 * and POR headers, the PUS stack's manifest); the product is written atomically with a SHA-256 sidecar
 * (`sha256sum -c`). The caller validates (planning) and says how to report a refusal.
 */
import { UsageError } from '../../src/errors.js';
import { plan as planFiles, type ValidationReport } from '../../planning/index.js';
import type { TcDatabase } from '../../src/mdb/commands/types.js';
import { formatItl, type ExportRecord, type Timeline } from './itl.js';
import { formatPor } from './por.js';
import { exportPusStack } from './pus-stack.js';

export type ReleaseFormat = 'pus' | 'itl' | 'por';
export const RELEASE_FORMATS: readonly ReleaseFormat[] = ['pus', 'itl', 'por'];

export interface ReleaseRequest {
  readonly timeline: Timeline;
  readonly db: TcDatabase;
  /** The validation run on the plan (its error count decides). */
  readonly report: Pick<ValidationReport, 'errors'>;
  readonly format: string;
  /** The file to write (PUS: plus `<out>.manifest.json`; each with a `.sha256`). */
  readonly out: string;
  /** Export even with validation errors; needs `waiver`. */
  readonly force?: boolean | undefined;
  readonly waiver?: string | undefined;
  readonly activitiesPerPacket?: number | undefined;
  readonly scheduleApid?: number | undefined;
}

export type ReleaseResult =
  | { readonly released: false; readonly errors: number }
  | { readonly released: true; readonly format: ReleaseFormat; readonly files: readonly string[]; readonly summary: string; readonly waived: number };

/** Check a release request's options before anything is validated. @throws UsageError */
export function checkReleaseOptions(r: Pick<ReleaseRequest, 'format' | 'force' | 'waiver' | 'activitiesPerPacket'>): ReleaseFormat {
  if (!(RELEASE_FORMATS as readonly string[]).includes(r.format)) throw new UsageError(`--format ${r.format}: expected pus, itl or por`);
  if (r.force && (r.waiver === undefined || !r.waiver.trim())) throw new UsageError('--force needs --waiver TEXT saying why the errors are accepted');
  if (r.waiver !== undefined && !r.force) throw new UsageError('--waiver is only used with --force');
  if (r.activitiesPerPacket === 0) throw new UsageError('--activities-per-packet must be at least 1');
  return r.format as ReleaseFormat;
}

/** Validate-then-export: refuse a plan with errors unless forced under a waiver, else write the product. */
export function releasePlan(r: ReleaseRequest): ReleaseResult {
  const format = checkReleaseOptions(r);
  if (r.report.errors && !r.force) return { released: false, errors: r.report.errors };
  const record: ExportRecord = r.force && r.report.errors ? { waiver: r.waiver!, violations: r.report.errors } : {};
  const n = r.timeline.commands.length;
  let summary: string;
  const files = [r.out];
  if (format === 'pus') {
    const stack = exportPusStack(r.timeline, r.db, {
      ...(r.activitiesPerPacket !== undefined ? { activitiesPerPacket: r.activitiesPerPacket } : {}),
      ...(r.scheduleApid !== undefined ? { scheduleApid: r.scheduleApid } : {}),
    }, record);
    planFiles.writeWithSha256(r.out, stack.bytes);
    planFiles.writeWithSha256(`${r.out}.manifest.json`, `${JSON.stringify(stack.manifest, null, 2)}\n`);
    files.push(`${r.out}.manifest.json`);
    summary = `${r.out}: ${stack.manifest.packets.length} TC[11,4] packets, ${n} commands, ${stack.bytes.length} octets (+ .manifest.json)`;
  } else if (format === 'itl') {
    planFiles.writeWithSha256(r.out, formatItl(r.timeline, r.db, record));
    summary = `${r.out}: ITL, ${n} entries`;
  } else {
    planFiles.writeWithSha256(r.out, formatPor(r.timeline, r.db, record));
    summary = `${r.out}: POR, ${n} requests`;
  }
  return { released: true, format, files, summary, waived: record.waiver !== undefined ? r.report.errors : 0 };
}
