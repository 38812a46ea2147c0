import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDuplicateKeys } from './_duplicate-keys.js';

describe('findDuplicateKeys()', () => {
  it('finds nothing in JSON.stringify output, which cannot repeat keys (property)', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => findDuplicateKeys(JSON.stringify(v, null, pretty ? 2 : undefined)).length === 0));
  });

  it('locates repeats by pointer and offset of the second name, at any depth', () => {
    const text = '{"a": 1, "b": [{"x": {}, "y": [], "x": "}"}, {"x": 2}], "a/~": 3, "a/~": [1, {"q": 1, "q": 2}]}';
    expect(findDuplicateKeys(text)).toEqual([
      { pointer: '/b/0/x', key: 'x', offset: text.indexOf('"x": "}"') },
      { pointer: '/a~1~0', key: 'a/~', offset: text.lastIndexOf('"a/~"') },
      { pointer: '/a~1~0/1/q', key: 'q', offset: text.lastIndexOf('"q"') },
    ]);
  });

  it('compares decoded names ("\\u0061" is "a") and handles scalars and empty containers', () => {
    expect(findDuplicateKeys('{"a": 0, "\\u0061": 1}').map((d) => d.pointer)).toEqual(['/a']);
    expect(findDuplicateKeys('{"a\\"": 0, "a\\"": {}}').map((d) => d.pointer)).toEqual(['/a"']);
    for (const t of ['1', '"s"', 'null', '[]', '{}', ' [ [ ] , { } ] ']) expect(findDuplicateKeys(t)).toEqual([]);
  });
});
