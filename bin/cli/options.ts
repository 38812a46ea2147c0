/**
 * @module Parsing the option values idoc commands share: APID lists, UTC instants, integers, choices.
 * Every bad value is a UsageError naming the flag.
 */
import { UsageError } from '../../src/errors.js';
import { utcTextProblem, utcTextToTai } from '../../src/time/utc-text.js';
import type { Tai } from '../../src/time/tai.js';

export { parseApidList } from '../../src/config/routes.js';

/**
 * A UTC ISO-8601 instant (`Z`, an offset or no zone = UTC; date only = midnight; ordinal dates) → TAI seconds,
 * read with luxon (src/time/utc-text.ts). `23:59:60[.fff]` is the inserted leap second itself on the TAI axis,
 * accepted only on a day the leap-second table gives one.
 */
export function parseUtcFlag(flag: string, text: string): Tai {
  const tai = utcTextToTai(text);
  if (tai === undefined) throw new UsageError(`${flag} ${JSON.stringify(text)}: ${utcTextProblem(text) ?? 'not a UTC instant such as 2026-01-01T12:00:00Z'}`);
  return tai;
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
