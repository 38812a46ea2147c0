/**
 * @module The worker thread of a service job (job-run.ts; TAP queries: tap-run.ts): runs one job from its `workerData` and posts
 * `{ ok: true, results }` or `{ ok: false, error }`. The service terminates the thread to abort the job.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type JobSpec } from './job-run.js';
import { runTapJob, type TapJobSpec } from './tap-run.js';

const spec = workerData as JobSpec | TapJobSpec;
(spec.kind === 'tap' ? runTapJob(spec) : runJob(spec)).then(
  (results) => parentPort!.postMessage({ ok: true, results }),
  (e: Error) => parentPort!.postMessage({ ok: false, error: e.message }),
);
