/**
 * @module Find, read, check and resolve a mission configuration. The file is parsed as JSON, checked against
 * `schemas/config.schema.json` and by the declaration checks (apid-checks.ts); every problem found becomes one
 * line of a single {@link InputError}, located as `file#/json/pointer` (or `file:line:column` for bad JSON).
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_PROFILE } from '../ccsds/profile.js';
import { InputError, type Problem } from '../errors.js';
import { findDuplicateKeys } from './_duplicate-keys.js';
import { lineColumnOf } from './_json-syntax.js';
import { apidProblems } from './apid-checks.js';
import { parseJsonText } from './json-text.js';
import { MAX_PACKET_LENGTH, profileFromPackets } from './packets-profile.js';
import { schemaProblems, type PointerProblem } from './schema-problems.js';
import type { ApidDeclaration, ConfigFile, ConfigFileApid, MissionConfig } from './types.js';

/** The file looked for in the working directory when `--config` is not given. */
export const DEFAULT_CONFIG_NAME = 'idoc.json';

/** The configuration used when there is no file: PUS-C, CUC 4+2 CCSDS epoch, CRC auto, no APIDs declared. */
export function defaultConfig(): MissionConfig {
  return { file: undefined, mission: { name: 'unnamed' }, profile: DEFAULT_PROFILE, apids: [], maxPacketLength: MAX_PACKET_LENGTH, raw: {} };
}

/**
 * Which configuration file to use: `explicit` (from `--config`, resolved against `cwd`, whether or not it
 * exists, so that a wrong path is reported when loading), else `cwd/idoc.json` when it is a file, else undefined.
 */
export function findConfig(explicit: string | undefined, cwd: string): string | undefined {
  if (explicit !== undefined) return path.resolve(cwd, explicit);
  const candidate = path.join(cwd, DEFAULT_CONFIG_NAME);
  try {
    return statSync(candidate).isFile() ? candidate : undefined;
  } catch {
    return undefined;
  }
}

function declaration(entry: ConfigFileApid, missionInstrument: string | undefined): ApidDeclaration {
  const [from, to] = entry.apids ?? [entry.apid ?? 0, entry.apid ?? 0];
  const d: ApidDeclaration = { apids: { from, to }, name: entry.name, kind: entry.kind };
  const instrument = entry.instrument ?? missionInstrument;
  if (instrument !== undefined) d.instrument = instrument;
  if (entry.periodSeconds !== undefined) d.periodSeconds = entry.periodSeconds;
  if (entry.crc !== undefined) d.crc = entry.crc;
  if (entry.description !== undefined) d.description = entry.description;
  return d;
}

const located = (fileName: string) => (p: PointerProblem): Problem => ({ code: p.code, path: `${fileName}#${p.pointer}`, message: p.message });

/**
 * Check and resolve an already parsed configuration document.
 * @throws InputError listing every problem (path `fileName#/pointer`).
 */
export function configFromData(data: unknown, fileName: string): MissionConfig {
  const problems = schemaProblems(data);
  const isObject = data !== null && typeof data === 'object' && !Array.isArray(data);
  if (isObject) problems.push(...apidProblems((data as Record<string, unknown>)['apids']));
  if (problems.length === 0) {
    // Schema-valid from here on: the cast is what the schema just checked.
    const file = data as ConfigFile;
    const { profile, maxPacketLength, problems: epochProblems } = profileFromPackets(file.packets);
    problems.push(...epochProblems);
    if (problems.length === 0) {
      const m = file.mission;
      const mission: MissionConfig['mission'] = { name: m.name };
      if (m.spacecraft !== undefined) mission.spacecraft = m.spacecraft;
      if (m.instrument !== undefined) mission.instrument = m.instrument;
      if (m.spacecraftId !== undefined) mission.spacecraftId = m.spacecraftId;
      const apids = (file.apids ?? []).map((e) => declaration(e, m.instrument));
      return { file: fileName, mission, profile, apids, maxPacketLength, raw: data };
    }
  }
  const n = problems.length;
  throw new InputError(`${fileName}: ${n} problem${n === 1 ? '' : 's'} in the mission configuration`, problems.map(located(fileName)));
}

/**
 * Parse and check a configuration given as text; `fileName` names it in messages and becomes `file`.
 * @throws InputError: one `json-syntax` problem (`file:line:column`) for bad JSON; one `duplicate-key` problem per
 * key given twice in an object (checked before the schema, as the parsed data has lost the first value); else
 * one per defect.
 */
export function parseConfig(text: string, fileName: string): MissionConfig {
  const data = parseJsonText(text, fileName);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const duplicates = findDuplicateKeys(body);
  if (duplicates.length > 0) {
    const problems = duplicates.map((d): Problem => {
      const { line, column } = lineColumnOf(body, d.offset);
      return { code: 'duplicate-key', path: `${fileName}#${d.pointer}`, message: `property ${JSON.stringify(d.key)} given again at line ${line}, column ${column}; JSON would keep only the last` };
    });
    const n = problems.length;
    throw new InputError(`${fileName}: ${n} problem${n === 1 ? '' : 's'} in the mission configuration`, problems);
  }
  return configFromData(data, fileName);
}

/**
 * Read, parse and check the configuration file at `file` (messages name it as given; `file` of the result is
 * the absolute path).
 * @throws InputError when it cannot be read (problem code `read`), is not JSON, or does not pass the checks.
 */
export async function loadConfig(file: string): Promise<MissionConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file (ENOENT)' : err.code === 'EISDIR' ? 'is a directory (EISDIR)' : err.message;
    throw new InputError(`${file}: cannot read the configuration`, [{ code: 'read', path: file, message: why }], { cause: e });
  }
  return { ...parseConfig(text, file), file: path.resolve(file) };
}

