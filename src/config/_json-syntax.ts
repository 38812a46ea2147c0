/**
 * @module Where and why a JSON text is not JSON (RFC 8259). `JSON.parse` on Node 20 does not always say where
 * it failed, so after it throws, this small iterative scanner walks the text again and returns the offset and a
 * plain reason for the first defect. Iterative (an explicit stack), so hostile nesting cannot overflow.
 */

/** The first syntax defect: UTF-16 offset into the text and a reason. */
export interface JsonSyntaxDefect {
  readonly offset: number;
  readonly reason: string;
}

/** 1-based line and column (in UTF-16 code units) of an offset. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;

function describe(text: string, i: number): string {
  const c = text[i];
  if (c === undefined) return 'end of input';
  if (c === "'") return "\"'\" (JSON strings use double quotes)";
  return c === '"' ? `'"'` : `'${JSON.stringify(c).slice(1, -1)}'`;
}

/** Scan a string starting at the `"` at `i`: the offset after its closing quote, or a defect. */
function scanString(text: string, i: number): number | JsonSyntaxDefect {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return { offset: j, reason: 'control character in a string (write newlines and tabs as \\n and \\t)' };
    if (c === 0x5c) {
      const e = text[j + 1];
      if (e === 'u') {
        if (!HEX4.test(text.slice(j + 2, j + 6))) return { offset: j, reason: 'bad \\u escape: four hex digits must follow' };
        j += 5;
      } else if (e !== undefined && ESCAPES.has(e)) {
        j += 1;
      } else {
        return { offset: j, reason: `bad escape \\${e ?? ''} in a string` };
      }
    }
  }
  return { offset: i, reason: 'unterminated string' };
}

/**
 * Find the first syntax defect in `text`, or `undefined` when it is valid JSON.
 * Whitespace is RFC 8259's (space, tab, LF, CR); a leading byte-order mark must be removed first.
 */
export function findJsonSyntaxDefect(text: string): JsonSyntaxDefect | undefined {
  const n = text.length;
  const stack: string[] = [];
  let expect: 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'after' = 'value';
  let afterComma = false;
  let i = 0;
  for (;;) {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
    if (i >= n) {
      if (expect === 'after' && stack.length === 0) return undefined;
      const open = stack[stack.length - 1];
      return {
        offset: n,
        reason: open === undefined ? 'unexpected end of input: no JSON value' : `unexpected end of input: ${open === '{' ? "'}'" : "']'"} missing`,
      };
    }
    const c = text[i];
    if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) return { offset: i, reason: 'comments are not allowed in JSON' };
    switch (expect) {
      case 'value':
      case 'valueOrClose': {
        if (c === ']' && (expect === 'valueOrClose' || afterComma)) {
          if (afterComma) return { offset: i, reason: "trailing comma: a value must follow ','" };
          stack.pop();
          i++;
          expect = 'after';
          continue;
        }
        afterComma = false;
        if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
          continue;
        }
        if (c === '"') {
          const r = scanString(text, i);
          if (typeof r !== 'number') return r;
          i = r;
          expect = 'after';
          continue;
        }
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
          NUMBER.lastIndex = i;
          const m = NUMBER.exec(text);
          if (m === null) return { offset: i, reason: 'invalid number' };
          const end = i + m[0].length;
          const next = text[end];
          if (/^-?0$/.test(m[0]) && next !== undefined && next >= '0' && next <= '9') return { offset: i, reason: 'numbers cannot have leading zeros' };
          if (next === '.' || next === 'e' || next === 'E') return { offset: end, reason: 'invalid number' };
          i = end;
          expect = 'after';
          continue;
        }
        const literal = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
        if (literal !== undefined) {
          i += literal.length;
          expect = 'after';
          continue;
        }
        return { offset: i, reason: `unexpected ${describe(text, i)}: expected a value` };
      }
      case 'key':
      case 'keyOrClose': {
        afterComma = false;
        if (c === '}') {
          if (expect === 'key') return { offset: i, reason: "trailing comma: a property must follow ','" };
          stack.pop();
          i++;
          expect = 'after';
          continue;
        }
        if (c !== '"') return { offset: i, reason: `unexpected ${describe(text, i)}: expected a double-quoted property name` };
        const r = scanString(text, i);
        if (typeof r !== 'number') return r;
        i = r;
        while (i < n && /[ \t\n\r]/.test(text[i] ?? '')) i++;
        if (text[i] !== ':') return { offset: i, reason: `unexpected ${describe(text, i)}: expected ':' after the property name` };
        i++;
        expect = 'value';
        continue;
      }
      case 'after': {
        const open = stack[stack.length - 1];
        if (open === undefined) return { offset: i, reason: `unexpected ${describe(text, i)} after the end of the JSON value` };
        if (c === ',') {
          i++;
          afterComma = true;
          expect = open === '{' ? 'key' : 'value';
          continue;
        }
        if ((open === '{' && c === '}') || (open === '[' && c === ']')) {
          stack.pop();
          i++;
          continue;
        }
        return {
          offset: i,
          reason: `unexpected ${describe(text, i)}: expected ',' or ${open === '{' ? "'}' after a property value" : "']' after an array element"}`,
        };
      }
    }
  }
}
