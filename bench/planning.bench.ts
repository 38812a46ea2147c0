/**
 * @module Benchmark: validating a 7-day plan of 10,000 commands of the sample instrument SIM against the
 * SAMPLESAT TLE with 3 stations and every rule kind (fixtures/planning/sim.rules.json, schedule capacity
 * raised to fit). Each run is a whole validation: the geometry the rules and constraints need is scanned once
 * per validation (not per command). Target < 2 s.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ephemerisFromText } from '../planning/ephemeris/load.js';
import { planFromJson } from '../planning/plan/load.js';
import type { PlanCommandJson } from '../planning/plan/types.js';
import { parseRules } from '../planning/validate/rules-file.js';
import { validatePlan } from '../planning/validate/validate.js';
import { parseTcDatabase } from '../telecommand/database/load.js';

/** The bundled fixtures, found from this file whether run from source or from dist/. */
async function fixture(name: string): Promise<{ text: string; file: string }> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['..', '../..']) {
    const file = path.resolve(here, up, 'fixtures/planning', name);
    try { return { text: await readFile(file, 'utf8'), file }; } catch { /* try the next */ }
  }
  throw new Error(`fixtures/planning/${name} not found`);
}

/** 10,000 commands over 7 days: observation sequences (sunlit constraint) and pings during Svalbard passes. */
export function benchPlanJson(n = 10_000, days = 7): Parameters<typeof planFromJson>[0] {
  const start = Date.UTC(2025, 0, 1);
  const step = Math.floor((days * 86400_000 - 120_000) / n);
  const cycle: [string, Record<string, string | number>?][] = [
    ['SIM_MODE', { MODE: 'SCIENCE' }], ['SIM_DOOR_OPEN'], ['SIM_HV_ON', { VOLTAGE: 1200 }], ['SIM_OBS_START', { OBS_ID: 'BENCH', EXPOSURE: 500 }],
    ['SIM_OBS_STOP'], ['SIM_HV_OFF'], ['SIM_DOOR_CLOSE'], ['SIM_MODE', { MODE: 'STANDBY' }], ['SIM_PING'], ['SIM_HTR_SET', { SETPOINT: 20 }],
  ];
  const commands: PlanCommandJson[] = [{ time: new Date(start + 60_000).toISOString(), command: 'SIM_POWER_ON' }];
  for (let i = 1; i < n; i++) {
    const [command, parameters] = cycle[(i - 1) % cycle.length]!;
    commands.push({
      time: new Date(start + 60_000 + i * step).toISOString(), command, ...(parameters ? { parameters } : {}),
      ...(command === 'SIM_PING' ? { constraints: { stationVisible: ['SVALBARD'] } } : command.startsWith('SIM_OBS') ? { constraints: { sunlit: true } } : {}),
    });
  }
  return {
    formatVersion: 1, name: 'bench', instrument: 'SIM', initialMode: 'OFF',
    validity: { start: new Date(start).toISOString(), end: new Date(start + days * 86400_000).toISOString() }, commands,
  };
}

/** What the planning benches validate: the 10,000-command plan, the SIM database, every rule kind (schedule capacity raised to fit) and the SAMPLESAT TLE. */
export async function benchPlanInput(): Promise<Parameters<typeof validatePlan>[0]> {
  const [tle, db, rulesText] = await Promise.all([fixture('samplesat.tle'), fixture('sim.tcdb.json'), fixture('sim.rules.json')]);
  const rules = parseRules(rulesText.text.replace('"maxCommands": 100', '"maxCommands": 20000'), rulesText.file);
  return { plan: planFromJson(benchPlanJson(), 'bench.plan.json'), db: parseTcDatabase(db.text, db.file), rules, ephemeris: ephemerisFromText(tle.text, tle.file) };
}

/** Run the planning benchmark: median of `runs` (≥ 5) whole validations. */
export async function benchPlanning(runs = 5): Promise<{ name: string; medianMs: number; runs: number }> {
  const input = await benchPlanInput();
  const { rules } = input;
  const times: number[] = [];
  const n = Math.max(5, runs);
  let violations = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    violations = validatePlan(input).violations.length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { name: `planning: validate 10,000 commands over 7 days, TLE, 3 stations, ${rules.rules.length} rules (${violations} violations)`, medianMs: times[n >> 1]!, runs: n };
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) benchPlanning().then((r) => console.log(`${r.name}: median ${r.medianMs.toFixed(1)} ms over ${r.runs} runs`));
