/**
 * @module Parse a JSON text read from a named file; a syntax error becomes one {@link InputError} naming the
 * file, line and column (`idoc.json:3:14`).
 */
import { InputError } from '../errors.js';
import { findJsonSyntaxDefect, lineColumnOf } from './_json-syntax.js';

/**
 * Parse `text` (a leading byte-order mark is ignored).
 * @throws InputError with one problem `{ code: 'json-syntax', path: 'file:line:column' }` when it is not JSON.
 */
export function parseJsonText(text: string, fileName: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    const defect = findJsonSyntaxDefect(body) ?? { offset: 0, reason: e instanceof Error ? e.message : String(e) };
    const { line, column } = lineColumnOf(body, defect.offset);
    throw new InputError(`${fileName}: not valid JSON`, [
      { code: 'json-syntax', path: `${fileName}:${line}:${column}`, message: defect.reason },
    ], { cause: e });
  }
}
