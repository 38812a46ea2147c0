/**
 * @module Refusing binary content where a text file is expected (ITL, EVF, EDF, OEM, TLE): a NUL character or
 * bytes that are not UTF-8 (decoded as U+FFFD) mean the file is not the text format, and one line saying so is
 * more useful than one complaint per garbled line.
 */
import { InputError } from './errors.js';

/** Index of the first NUL or undecodable character, or -1. */
export function binaryIndex(text: string): number {
  const a = text.indexOf('\u0000');
  const b = text.indexOf('\ufffd');
  return a < 0 ? b : b < 0 ? a : Math.min(a, b);
}

/**
 * @throws InputError `file:line: not a text file (…)` when `text` holds binary content.
 */
export function assertText(text: string, file: string, what: string): void {
  const i = binaryIndex(text);
  if (i < 0) return;
  let line = 1;
  for (let k = text.indexOf('\n'); k >= 0 && k < i; k = text.indexOf('\n', k + 1)) line++;
  throw new InputError(`${file}:${line}: not a text file (binary content at character ${i}): expected ${what}`);
}
