/**
 * @module Parsing the option values idoc commands share: APID lists, UTC instants, integers, choices.
 * Every bad value is a UsageError naming the flag.
 */
import { UsageError } from '../../src/errors.js';
import { utcToTai, type Tai } from '../../src/time/index.js';

export { parseApidList } from '../../src/config/routes.js';

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
