import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { findJsonSyntaxDefect, lineColumnOf } from './_json-syntax.js';
import { parseJsonText } from './json-text.js';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('findJsonSyntaxDefect()', () => {
  it.each([
    ['', 0, /end of input: no JSON value/],
    ['{', 1, /'}' missing/],
    ['[1, 2', 5, /']' missing/],
    ['{"a": 1,}', 8, /trailing comma/],
    ['[1,]', 3, /trailing comma/],
    ['{"a" 1}', 5, /expected ':'/],
    ['{a: 1}', 1, /double-quoted property name/],
    ["{'a': 1}", 1, /double quotes/],
    ['{"a": 1 "b": 2}', 8, /expected ',' or '}'/],
    ['[1 2]', 3, /expected ',' or '\]'/],
    ['{"a": tru}', 6, /expected a value/],
    ['{"a": 01}', 6, /leading zeros/],
    ['{"a": 1.}', 7, /invalid number/],
    ['{"a": -}', 6, /expected a value|invalid number/],
    ['{"a": "x\ny"}', 8, /control character/],
    ['{"a": "\\x"}', 7, /bad escape/],
    ['{"a": "\\u12g4"}', 7, /\\u escape/],
    ['{"a": "open}', 6, /unterminated string/],
    ['{} {}', 3, /after the end of the JSON value/],
    ['{\n  // note\n}', 4, /comments/],
    ['{"a":1,"b":]}', 11, /expected a value/],
  ])('%j → offset %d', (text, offset, reason) => {
    expect(parses(text)).toBe(false);
    const d = findJsonSyntaxDefect(text);
    expect(d?.offset).toBe(offset);
    expect(d?.reason).toMatch(reason);
  });

  it('finds nothing wrong in any JSON.stringify output (property)', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => findJsonSyntaxDefect(JSON.stringify(v, null, pretty ? 2 : undefined)) === undefined));
  });

  it('agrees with JSON.parse on mutated JSON texts (property)', () => {
    const mutated = fc
      .tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '0', '-', '\\', ' ', '\n', '{', '['), fc.nat(2))
      .map(([v, at, ins, del]) => {
        const t = JSON.stringify(v);
        const i = t.length === 0 ? 0 : at % (t.length + 1);
        return t.slice(0, i) + ins + t.slice(i + del);
      });
    fc.assert(fc.property(mutated, (text) => (findJsonSyntaxDefect(text) === undefined) === parses(text)), { numRuns: 2000 });
  });

  it('survives deep nesting without recursion', () => {
    expect(findJsonSyntaxDefect('['.repeat(100_000))?.reason).toMatch(/']' missing/);
  });
});

describe('lineColumnOf()', () => {
  it('counts lines from 1 and columns from 1 (CRLF ends a line at its LF)', () => {
    expect(lineColumnOf('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnOf('ab\ncd', 3)).toEqual({ line: 2, column: 1 });
    expect(lineColumnOf('ab\r\ncd\r\nef', 9)).toEqual({ line: 3, column: 2 });
  });
});

describe('parseJsonText()', () => {
  it('parses JSON and ignores a byte-order mark', () => {
    expect(parseJsonText('\ufeff{"a": [1]}', 'x.json')).toEqual({ a: [1] });
  });

  it('throws one json-syntax problem naming file, line and column', () => {
    const text = '{\n  "mission": {\n    "name": "X",\n  }\n}\n';
    let err: unknown;
    try {
      parseJsonText(text, 'conf/idoc.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.message).toBe('conf/idoc.json: not valid JSON');
    expect(e.problems).toEqual([{ code: 'json-syntax', path: 'conf/idoc.json:4:3', message: "trailing comma: a property must follow ','" }]);
  });
});
