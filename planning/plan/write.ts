/**
 * @module Writing plans: the JSON text of a plan (stable key order, times ISO-8601 UTC with milliseconds and
 * a trailing Z), and atomic file writes with a SHA-256 sidecar (`<file>.sha256`, in `sha256sum` format) for
 * everything handed to uplink.
 */
import { createHash } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isoUtc } from '../ephemeris/epoch.js';
import { itlFieldsOf, type Plan, type PlanCommandJson, type PlanJson } from './types.js';

/**
 * The plan as file data (inverse of `planFromJson` up to formatting). `schema` is the `$schema` written:
 * callers writing a file pass the path of the package's schema relative to that file, so it resolves.
 */
export function planToJson(plan: Plan, schema = '../../schemas/plan.schema.json'): PlanJson {
  return {
    $schema: schema,
    formatVersion: 1,
    name: plan.name,
    instrument: plan.instrument,
    ...(plan.description !== undefined ? { description: plan.description } : {}),
    validity: { start: isoUtc(plan.validity.start), end: isoUtc(plan.validity.end) },
    ...(plan.uplink ? { uplink: { time: isoUtc(plan.uplink.t), latencyS: plan.uplink.latencyS } } : {}),
    ...(plan.initialMode !== undefined ? { initialMode: plan.initialMode } : {}),
    ...(plan.stations.length ? { stations: plan.stations.map((s) => `${s.name}:${s.latDeg}:${s.lonDeg}:${s.altM}:${s.maskDeg}`) } : {}),
    commands: plan.commands.map((c): PlanCommandJson => ({
      time: isoUtc(c.t), command: c.command,
      ...(Object.keys(c.parameters).length ? { parameters: c.parameters } : {}),
      ...(c.request !== undefined ? { request: c.request } : {}),
      ...(c.constraints !== undefined ? { constraints: c.constraints } : {}),
      ...(c.comment !== undefined ? { comment: c.comment } : {}),
      ...itlFieldsOf(c),
    })),
    ...(plan.unplaced.length ? { unplaced: plan.unplaced } : {}),
  };
}

/** JSON text of a plan, one command per line (diff-friendly); `schema` as in {@link planToJson}. */
export function planText(plan: Plan | PlanJson, schema?: string): string {
  const json = 'file' in plan ? planToJson(plan, schema) : schema !== undefined ? { ...plan, $schema: schema } : plan;
  const { commands, unplaced, ...head } = json;
  const lines = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const cmd = commands.map((c) => `    ${JSON.stringify(c)}`).join(',\n');
  const un = unplaced && unplaced.length ? `,\n  "unplaced": [\n${unplaced.map((u) => `    ${JSON.stringify(u)}`).join(',\n')}\n  ]` : '';
  return `${lines},\n  "commands": [${commands.length ? `\n${cmd}\n  ` : ''}]${un}\n}\n`;
}

/** SHA-256 of bytes, lower-case hex. */
export const sha256Hex = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** Write `data` to `file` atomically: a temporary name in the same folder, then rename. */
export function writeAtomic(file: string, data: Uint8Array | string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Write `file` atomically and its sidecar `<file>.sha256` (`<hex>  <basename>\n`, checkable with
 * `sha256sum -c`). Returns the hash.
 */
export function writeWithSha256(file: string, data: Uint8Array | string): string {
  const hash = sha256Hex(data);
  writeAtomic(file, data);
  writeAtomic(`${file}.sha256`, `${hash}  ${path.basename(file)}\n`);
  return hash;
}
