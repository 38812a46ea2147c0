/**
 * @module Loading a telemetry mission database from a file: XTCE (`.xml`) or idoc's JSON form (`.json`, checked
 * against `schemas/tmdb.schema.json` and then {@link checkTmDatabase}). Every problem names the file and the
 * line (XTCE) or JSON pointer.
 */
import { readFileSync, statSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { ajvProblemsAt } from '../ajv-problems.js';
import { InputError } from '../errors.js';
import { schemaFile } from '../schema-file.js';
import { checkTmDatabase } from './check.js';
import type { TmDatabase } from './types.js';
import { loadXtce } from './xtce/load.js';
import { loadMibTm, timeEpochOfTai } from './mib/load.js';
import { loadFieldList } from './fields/load.js';
import type { Problem } from '../errors.js';

let validator: ValidateFunction | undefined;

/** The compiled `tmdb.schema.json` validator. */
export function tmdbValidator(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(JSON.parse(readFileSync(schemaFile('tmdb.schema.json'), 'utf8')) as object);
  return validator;
}

/**
 * Parse idoc's JSON form; `file` names the source in problems.
 * @throws InputError listing every problem (`file#/pointer: message`).
 */
export function parseTmDatabaseJson(text: string, file: string): TmDatabase {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: invalid JSON: ${(e as Error).message}`);
  }
  const validate = tmdbValidator();
  if (!validate(data)) {
    const problems = ajvProblemsAt(validate.errors, file);
    throw new InputError(`${file}: not a valid telemetry database (${problems.length} problem${problems.length > 1 ? 's' : ''})`, problems);
  }
  const db = data as TmDatabase;
  const pointers = new Map<object, string>();
  db.parameterTypes.forEach((t, i) => pointers.set(t, `/parameterTypes/${i}`));
  db.parameters.forEach((p, i) => pointers.set(p, `/parameters/${i}`));
  db.containers.forEach((c, i) => {
    pointers.set(c, `/containers/${i}`);
    c.entries.forEach((e, j) => pointers.set(e, `/containers/${i}/entries/${j}`));
  });
  const problems = checkTmDatabase(db, (x) => `${file}#${pointers.get(x) ?? ''}`);
  if (problems.length) throw new InputError(`${file}: not a valid telemetry database (${problems.length} problem${problems.length > 1 ? 's' : ''})`, problems);
  return db;
}

/** How definitions are read where the file does not say. */
export interface TmLoadOptions {
  /**
   * The mission's packet time epoch, TAI seconds since 1958 (the packet profile's `time.epochTai`): the epoch of
   * a MIB's absolute times (PTC 9), which the MIB tables do not give. Absent: TAI 1958. XTCE and JSON give theirs.
   */
  readonly epochTai?: number;
}

/**
 * Load the definitions in `file`: a SCOS-2000 MIB when it is a folder, a CCSDSPy-style field list when it ends
 * in `.csv`, XTCE when it ends in `.xml` or starts
 * with `<`, else the JSON form. `onNote` receives what a MIB load skipped (limit checks idoc does not evaluate).
 * @throws InputError naming the file and the place of the first problem.
 */
export function loadTmDatabase(file: string, onNote?: (note: Problem) => void, options: TmLoadOptions = {}): TmDatabase {
  if (statSync(file).isDirectory()) {
    const { db, notes } = loadMibTm(file, options.epochTai !== undefined ? { epoch: timeEpochOfTai(options.epochTai) } : {});
    for (const n of notes) onNote?.(n);
    return db;
  }
  const text = readFileSync(file, 'utf8');
  if (/\.csv$/i.test(file)) return loadFieldList(text, file);
  if (/\.xml$/i.test(file) || text.trimStart().startsWith('<')) return loadXtce(text, file);
  return parseTmDatabaseJson(text, file);
}
