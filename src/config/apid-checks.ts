/**
 * @module Checks on the `apids` declarations that a JSON Schema cannot express: ranges that run backwards,
 * the idle APID 2047 (CCSDS 133.0-B-2 §4.1.3.3.4.4: reserved for idle packets), two entries covering the same
 * APID, and names used twice. They run on the raw parsed data, skipping entries the schema already rejects,
 * so one pass reports schema and declaration problems together.
 */
import type { PointerProblem } from './schema-problems.js';

/** The idle APID: all ones (CCSDS 133.0-B-2 §4.1.3.3.4.4). */
export const IDLE_APID = 2047;

const isApid = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= IDLE_APID;

const rangeText = (from: number, to: number): string => (from === to ? `APID ${from}` : `APIDs ${from}..${to}`);

interface Entry {
  readonly index: number;
  readonly key: 'apid' | 'apids';
  readonly from: number;
  readonly to: number;
  readonly name: string | undefined;
}

/** Problems in the declarations (pointers under `/apids`); none when `entries` is not an array. */
export function apidProblems(entries: unknown): PointerProblem[] {
  if (!Array.isArray(entries)) return [];
  const problems: PointerProblem[] = [];
  const ranges: Entry[] = [];
  const names = new Map<string, number>();
  entries.forEach((raw: unknown, index) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
    const e = raw as Record<string, unknown>;
    const name = typeof e['name'] === 'string' ? e['name'] : undefined;
    if (name !== undefined) {
      const first = names.get(name);
      if (first === undefined) names.set(name, index);
      else problems.push({ code: 'duplicate-name', pointer: `/apids/${index}/name`, message: `name ${JSON.stringify(name)} is already used by /apids/${first}` });
    }
    let entry: Entry | undefined;
    if ('apid' in e && 'apids' in e) return; // the schema's oneOf reports it
    if (isApid(e['apid'])) entry = { index, key: 'apid', from: e['apid'], to: e['apid'], name };
    const pair = e['apids'];
    if (Array.isArray(pair) && pair.length === 2 && isApid(pair[0]) && isApid(pair[1])) {
      if (pair[0] > pair[1]) {
        problems.push({ code: 'apid-range', pointer: `/apids/${index}/apids`, message: `range [${pair[0]}, ${pair[1]}] runs backwards: the first APID must not exceed the second` });
        return;
      }
      entry = { index, key: 'apids', from: pair[0], to: pair[1], name };
    }
    if (entry === undefined) return;
    if (entry.to === IDLE_APID) {
      problems.push({ code: 'apid-idle', pointer: `/apids/${index}/${entry.key}`, message: `APID ${IDLE_APID} is reserved for idle packets and cannot be declared` });
    }
    for (const other of ranges) {
      if (entry.from <= other.to && other.from <= entry.to) {
        const from = Math.max(entry.from, other.from);
        const to = Math.min(entry.to, other.to);
        problems.push({
          code: 'apid-overlap',
          pointer: `/apids/${index}/${entry.key}`,
          message: `${rangeText(from, to)} already declared by /apids/${other.index}${other.name === undefined ? '' : ` (${other.name})`}`,
        });
      }
    }
    ranges.push(entry);
  });
  return problems;
}
