/**
 * Stopping a job while it runs in its worker thread (UWS 1.1 §2.2.3.6 PHASE=ABORT; §2.1.4 execution duration): the
 * service runs with `holdJobsForTests`, so every job stops after the first chunk of its first result file is
 * written (its `.tmp` file exists) and stays there until its worker is terminated. An extract job aborted then, and
 * a TAP job whose one-second execution duration runs out then, end ABORTED and ERROR, their workers gone, nothing
 * of the half-written result left, no result listed. The worker is the built one (`npm run build`).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_JOB_WORKER, call, startTestService, type TestService } from './_test-service.js';
import { buildService } from './server.js';

let s: TestService;
beforeAll(async () => { if (BUILT_JOB_WORKER) s = await startTestService(undefined, true); }, 120_000);
afterAll(async () => { await s?.close(); });

const form = (token: string, p: string, body: Record<string, string>) =>
  call(s, p, token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
const jobDir = (loc: string): string => path.join(s.archiveDir, 'service-jobs', loc.split('/').pop()!);
/** Wait (bounded by the test's timeout) until the job's worker holds a half-written result. */
async function holding(loc: string): Promise<string[]> {
  for (;;) {
    const dir = jobDir(loc);
    const tmp = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tmp')) : [];
    if (tmp.length > 0) return tmp;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!BUILT_JOB_WORKER)('a running job stopped in its worker thread (needs the built job worker: npm run build)', () => {
  it('PHASE=ABORT of an executing extract job: ABORTED, worker terminated, no partial file, no result', async () => {
    const loc = (await form(s.tokens.operator, '/jobs/extract', { APID: '1100', FROM: '2025-01-01T00:00:00Z', TO: '2025-01-01T02:00:00Z', PHASE: 'RUN' })).headers.get('location')!;
    expect(loc).toMatch(/^\/jobs\/extract\/[A-Za-z0-9_-]+$/);
    expect(await holding(loc)).toEqual(['packets.dat.tmp']);
    expect((await call(s, `${loc}/phase`, s.tokens.operator)).body).toBe('EXECUTING');
    expect(s.app.jobWorkers()).toBe(1);
    const abort = await form(s.tokens.operator, `${loc}/phase`, { PHASE: 'ABORT' });
    expect(abort.status).toBe(303);
    // The abort answers once the worker has ended and the job's files are gone.
    expect(s.app.jobWorkers()).toBe(0);
    expect(existsSync(jobDir(loc))).toBe(false);
    expect((await call(s, `${loc}/phase`, s.tokens.operator)).body).toBe('ABORTED');
    expect((await call(s, `${loc}/results`, s.tokens.operator)).body).not.toContain('<uws:result ');
    expect((await call(s, `${loc}/results/packets`, s.tokens.operator)).status).toBe(404);
    expect((await form(s.tokens.operator, `${loc}/phase`, { PHASE: 'ABORT' })).status).toBe(403); // final phase
  }, 60_000);

  it('a TAP async job over its execution duration: ERROR naming the limit, worker terminated, no partial file, no result', async () => {
    const loc = (await form(s.tokens.coi, '/tap/async', { LANG: 'ADQL', QUERY: 'SELECT granule_uid FROM idoc.epn_core', RESPONSEFORMAT: 'csv' })).headers.get('location')!;
    expect((await form(s.tokens.coi, `${loc}/executionduration`, { EXECUTIONDURATION: '1' })).status).toBe(303);
    expect((await call(s, `${loc}/executionduration`, s.tokens.coi)).body).toBe('1');
    expect((await form(s.tokens.coi, `${loc}/phase`, { PHASE: 'RUN' })).status).toBe(303);
    expect(await holding(loc)).toEqual(['result.tmp']);
    let phase = 'EXECUTING';
    while (phase === 'EXECUTING' || phase === 'QUEUED') phase = /<uws:phase>(\w+)</.exec((await call(s, `${loc}?WAIT=5&PHASE=${phase}`, s.tokens.coi)).body)![1]!;
    expect(phase).toBe('ERROR');
    expect((await call(s, `${loc}/error`, s.tokens.coi)).body).toContain('execution duration 1 s exceeded');
    expect(s.app.jobWorkers()).toBe(0);
    expect(existsSync(jobDir(loc))).toBe(false);
    expect((await call(s, `${loc}/results`, s.tokens.coi)).body).not.toContain('<uws:result ');
    expect((await call(s, `${loc}/results/result`, s.tokens.coi)).status).toBe(404);
  }, 60_000);

  it('a job running when the service closes is stopped and queued again (it runs at the next start), no partial file', async () => {
    const id = 'closing-job-1';
    await s.store.jobs.put({
      id, owner: 'ops', kind: 'extract', phase: 'QUEUED', parameters: { APID: '1100', FROM: '2025-01-01T00:00:00Z', TO: '2025-01-01T01:00:00Z' }, runId: undefined,
      createdUnixMs: Date.now(), startedUnixMs: undefined, endedUnixMs: undefined, executionDuration: 600, destructionUnixMs: Date.now() + 86_400_000, error: undefined, results: [],
    });
    // A second service on the same store picks the queued job up at start and holds it.
    const other = await buildService({ reader: s.reader, store: s.store, jobsDir: path.join(s.archiveDir, 'service-jobs'), archiveDir: s.archiveDir, config: s.config, jobWorker: BUILT_JOB_WORKER!, holdJobsForTests: true });
    try {
      expect(await holding(`/jobs/extract/${id}`)).toEqual(['packets.dat.tmp']);
      expect(other.jobWorkers()).toBe(1);
    } finally { await other.close(); }
    expect(other.jobWorkers()).toBe(0);
    expect(existsSync(jobDir(`/jobs/extract/${id}`))).toBe(false);
    expect((await s.store.jobs.get(id))?.phase).toBe('QUEUED');
    await s.store.jobs.delete(id);
  }, 60_000);
});
