/**
 * @module Reading a plan file: JSON syntax (file:line:column), the schema (`schemas/plan.schema.json`), then
 * instants that exist, a validity that is not empty, stations that parse and constraint ranges with
 * min ≤ max. Command order and parameter values are NOT judged here: unsorted times, unknown commands and
 * bad values are violations that `validatePlan` reports with their rule, index and time.
 */
import { readFileSync } from 'node:fs';
import { InputError, type Problem } from '../../src/errors.js';
import { parseUtcInstant } from '../ephemeris/epoch.js';
import { checkConstraints, parseStations } from '../requests/load.js';
import { readChecked } from './_json-schema.js';
import { itlFieldsOf, type Plan, type PlanCommand, type PlanJson } from './types.js';

/** Instrument name when a plan gives none (the sample instrument). */
export const DEFAULT_INSTRUMENT = 'SIM';

/** Read and check a plan file. @throws InputError listing every problem; file-system errors as they come. */
export function loadPlan(file: string): Plan {
  return parsePlan(readFileSync(file, 'utf8'), file);
}

/** Parse and check plan text; `fileName` names the source in problems. @throws InputError. */
export function parsePlan(text: string, fileName: string): Plan {
  return planFromJson(readChecked(text, fileName, 'plan.schema.json', 'plan') as PlanJson, fileName);
}

/** Check an in-memory plan (already schema-valid, e.g. just generated) and read its times. @throws InputError. */
export function planFromJson(data: PlanJson, fileName: string): Plan {
  const problems: Problem[] = [];
  const at = (pointer: string, code: string, message: string) => problems.push({ code, path: `${fileName}#${pointer}`, message });
  const instant = (text: string, pointer: string): number => {
    const t = parseUtcInstant(text);
    if (t === undefined) { at(pointer, 'instant', `"${text}" is not a UTC instant (e.g. 2014-01-21T06:00:00Z)`); return NaN; }
    return t;
  };
  const start = instant(data.validity.start, '/validity/start');
  const end = instant(data.validity.end, '/validity/end');
  if (!(end > start) && !Number.isNaN(start) && !Number.isNaN(end)) at('/validity', 'window', 'validity ends before it starts');
  const uplinkT = data.uplink ? instant(data.uplink.time, '/uplink/time') : undefined;
  const stations = parseStations(data.stations ?? [], fileName, '/stations', problems);
  const commands: PlanCommand[] = data.commands.map((c, i) => {
    checkConstraints(c.constraints, `/commands/${i}/constraints`, at);
    return {
      index: i, t: instant(c.time, `/commands/${i}/time`), command: c.command, parameters: c.parameters ?? {},
      ...(c.request !== undefined ? { request: c.request } : {}),
      ...(c.constraints !== undefined ? { constraints: c.constraints } : {}),
      ...(c.comment !== undefined ? { comment: c.comment } : {}),
      ...itlFieldsOf(c),
    };
  });
  if (problems.length) throw new InputError(`${fileName}: not a valid plan (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
  return {
    file: fileName, name: data.name, instrument: data.instrument ?? DEFAULT_INSTRUMENT,
    ...(data.description !== undefined ? { description: data.description } : {}),
    validity: { start, end },
    ...(uplinkT !== undefined ? { uplink: { t: uplinkT, latencyS: data.uplink?.latencyS ?? 0 } } : {}),
    ...(data.initialMode !== undefined ? { initialMode: data.initialMode } : {}),
    stations, commands, unplaced: data.unplaced ?? [],
  };
}
