/**
 * @module UWS 1.1 (IVOA UWS 1.1 REC 2016-10-24) for the TAP async endpoint: the job and job-list XML documents
 * (UWS.xsd, namespace `http://www.ivoa.net/xml/UWS/v1.0`, `version="1.1"` on the roots, §2.2.1.1) and the phase
 * rules (§2.1.3): PENDING → QUEUED → EXECUTING → COMPLETED | ERROR, ABORTED from any phase before those.
 * Jobs are records in the service store (they survive a restart); the runner lives in server.ts.
 */
import type { JobRecord, Phase } from '../../src/archive/service-port.js';
import { xmlEscape as esc } from './tap-output.js';

const NS = 'xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const nil = (tag: string, v: string | undefined): string => (v === undefined ? ` <uws:${tag} xsi:nil="true"/>\n` : ` <uws:${tag}>${esc(v)}</uws:${tag}>\n`);

/** Phases from which a job can no longer change (§2.1.3). */
export const FINAL_PHASES: readonly Phase[] = ['COMPLETED', 'ERROR', 'ABORTED', 'ARCHIVED'];

/** The `<uws:job>` document (JobSummary element order of UWS.xsd). */
export function jobXml(j: JobRecord, base: string): string {
  const params = Object.entries(j.parameters).map(([k, v]) => `  <uws:parameter id="${esc(k)}">${esc(v)}</uws:parameter>\n`).join('');
  const results = j.results.map((r) => `  <uws:result id="${esc(r.id)}" xlink:href="${esc(`${base}/${j.id}/results/${r.id}`)}" size="${r.size}" mime-type="${esc(r.mimeType)}"/>\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<uws:job ${NS} version="1.1">
 <uws:jobId>${esc(j.id)}</uws:jobId>
${j.runId !== undefined ? ` <uws:runId>${esc(j.runId)}</uws:runId>\n` : ''}${nil('ownerId', j.owner)} <uws:phase>${j.phase}</uws:phase>
 <uws:quote xsi:nil="true"/>
 <uws:creationTime>${iso(j.createdUnixMs)}</uws:creationTime>
${nil('startTime', iso(j.startedUnixMs))}${nil('endTime', iso(j.endedUnixMs))} <uws:executionDuration>${j.executionDuration}</uws:executionDuration>
${nil('destruction', iso(j.destructionUnixMs))} <uws:parameters>
${params} </uws:parameters>
 <uws:results>
${results} </uws:results>
${j.error !== undefined ? ` <uws:errorSummary type="fatal" hasDetail="true"><uws:message>${esc(j.error)}</uws:message></uws:errorSummary>\n` : ''}</uws:job>
`;
}

/** The `<uws:jobs>` list (§2.2.2.1). */
export function jobListXml(jobs: readonly JobRecord[], base: string): string {
  const refs = jobs.map((j) => ` <uws:jobref id="${esc(j.id)}" xlink:href="${esc(`${base}/${j.id}`)}">\n  <uws:phase>${j.phase}</uws:phase>\n${j.runId !== undefined ? `  <uws:runId>${esc(j.runId)}</uws:runId>\n` : ''}  <uws:ownerId>${esc(j.owner)}</uws:ownerId>\n  <uws:creationTime>${iso(j.createdUnixMs)}</uws:creationTime>\n </uws:jobref>\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<uws:jobs ${NS} version="1.1">
${refs}</uws:jobs>
`;
}

/** UWS job-list filters (§2.2.2.1): PHASE (repeatable, union), AFTER, LAST; ARCHIVED only when asked. */
export function filterJobs(jobs: readonly JobRecord[], phases: readonly string[], after: number | undefined, last: number | undefined): JobRecord[] {
  let out = jobs.filter((j) => (phases.length ? phases.includes(j.phase) : j.phase !== 'ARCHIVED'));
  if (after !== undefined) out = out.filter((j) => j.createdUnixMs > after);
  if (last !== undefined) out = [...out].sort((a, b) => b.createdUnixMs - a.createdUnixMs).slice(0, last);
  return out;
}
