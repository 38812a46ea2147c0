/**
 * @module The one JSON envelope of `--json` (documented in `idoc help json` and the README): every command that
 * prints a result as JSON prints exactly one object on stdout,
 *
 *   { "command": "packets inspect", "version": "0.1.0", "ok": true, "problems": [], "result": { … } }
 *
 * - `command`: the command words as typed (`archive status`); `version`: idoc's version;
 * - `ok`: false when the run found problems in the data (exit 1) or could not do its job (exit 2);
 * - `problems`: `{ code?, path?, message }` objects, the ones the command reports (empty when none; for an
 *   input or usage error, the error itself, with `result: null`);
 * - `result`: the command's own answer, the fields its text output shows (an object, or an array where the
 *   command answers with a list);
 * - an object result's fields also stand at the top level, beside the envelope's (its own `command`, `version`,
 *   `ok`, `problems` and `result`, where it has them, only in `result`): scripts written against the bare objects
 *   idoc printed before the envelope (`j.products`, `j.totals`) read on unchanged.
 * Streams of records (`packets dump`, `archive query`, `tm decode`) are NDJSON instead: one record per line, no
 * envelope, so a reader can start before the end.
 */
import { InputError, UsageError } from '../../src/errors.js';

/** idoc's version, as `idoc --version` prints it. */
export const IDOC_VERSION = '0.1.0';

/** One problem in the envelope. */
export interface EnvelopeProblem {
  readonly code?: string;
  readonly path?: string;
  readonly message: string;
}

export interface JsonEnvelope<T> {
  readonly command: string;
  readonly version: string;
  readonly ok: boolean;
  readonly problems: readonly EnvelopeProblem[];
  readonly result: T;
}

/** What a command may say about its run besides the result. */
export interface EnvelopeOptions {
  /** Default: no problems. */
  readonly ok?: boolean;
  readonly problems?: readonly (EnvelopeProblem | string)[];
  /** One line (for outputs read line by line, e.g. a server's ready line); default indented. */
  readonly compact?: boolean;
}

/** The envelope's own keys: a result's fields of these names stay inside `result` only. */
const ENVELOPE_KEYS = new Set(['command', 'version', 'ok', 'problems', 'result']);

/** The envelope of a command's result (an object result's other fields lifted beside the envelope's keys). */
export function envelope<T>(command: string, result: T, o: Omit<EnvelopeOptions, 'compact'> = {}): JsonEnvelope<T> {
  const problems = (o.problems ?? []).map((p): EnvelopeProblem => (typeof p === 'string' ? { message: p } : p));
  const lifted = result !== null && typeof result === 'object' && !Array.isArray(result)
    ? Object.fromEntries(Object.entries(result).filter(([k]) => !ENVELOPE_KEYS.has(k)))
    : {};
  return { command, version: IDOC_VERSION, ok: o.ok ?? problems.length === 0, problems, ...lifted, result };
}

/** BigInts (telecommand values) as decimal strings. */
const replacer = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

/** The text to print for `--json`: the envelope, then a newline. */
export function jsonOut<T>(command: string, result: T, o: EnvelopeOptions = {}): string {
  return `${JSON.stringify(envelope(command, result, o), replacer, o.compact ? undefined : 2)}\n`;
}

/** The envelope of a run that failed with `e` (exit 2): its problems, no result. */
export function errorEnvelope(command: string, e: unknown): string {
  const problems: EnvelopeProblem[] = [];
  if (e instanceof UsageError) problems.push({ code: 'usage', message: e.message });
  else if (e instanceof InputError) {
    problems.push({ code: 'input', message: e.message });
    for (const p of e.problems) problems.push({ ...(p.code !== undefined ? { code: p.code } : {}), path: p.path, message: p.message });
  } else problems.push({ code: 'error', message: e instanceof Error ? e.message.split('\n')[0]! : String(e) });
  // One line: valid after the NDJSON lines of a stream, too.
  return jsonOut(command, null, { ok: false, problems, compact: true });
}
