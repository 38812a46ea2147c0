/**
 * @module Parsing the option values idoc commands share: APID lists, UTC instants, integers, choices.
 * Every bad value is a UsageError naming the flag.
 */
import { UsageError } from '../errors.js';
import { utcToTai, type Tai } from '../time/index.js';

/** `1100,1110-1119` → predicate (and the sorted ranges). */
export function parseApidList(flag: string, text: string): { ranges: [number, number][]; has: (apid: number) => boolean } {
  const ranges: [number, number][] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const a = m ? Number(m[1]) : NaN;
    const b = m?.[2] !== undefined ? Number(m[2]) : a;
    if (!m || a > 2047 || b > 2047 || a > b) throw new UsageError(`${flag} ${JSON.stringify(text)}: expected APIDs 0..2047 as N or N-M, comma-separated`);
    ranges.push([a, b]);
  }
  if (!ranges.length) throw new UsageError(`${flag}: no APID given`);
  const mask = new Uint8Array(2048);
  for (const [a, b] of ranges) mask.fill(1, a, b + 1);
  return { ranges, has: (apid) => mask[apid] === 1 };
}

/** A UTC ISO-8601 instant (Z or no zone, date-only allowed) → TAI seconds. */
export function parseUtcFlag(flag: string, text: string): Tai {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`;
  try {
    return utcToTai(t);
  } catch {
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a UTC time such as 2026-01-01T12:00:00Z`);
  }
}

export function parseIntFlag(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} ${JSON.stringify(text)}: expected an integer ${min}..${max}`);
  return n;
}

export function parseChoice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`${flag} ${JSON.stringify(text)}: expected one of ${choices.join(', ')}`);
  return text as T;
}
