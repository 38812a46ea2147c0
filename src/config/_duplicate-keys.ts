/**
 * @module Keys given twice in one JSON object. RFC 8259 §4 says names SHOULD be unique and `JSON.parse` keeps the
 * last silently, so a second `"packets"` section would quietly replace the first: the loader reports it instead.
 * Runs on text already known to be valid JSON.
 */
import { pointerToken } from './schema-problems.js';

/** A repeated key: the JSON pointer of the property and the offset of its second (later) name. */
export interface DuplicateKey {
  readonly pointer: string;
  readonly key: string;
  readonly offset: number;
}

type Frame = { readonly kind: 'object'; readonly pointer: string; readonly keys: Set<string>; key: string } | { readonly kind: 'array'; readonly pointer: string; index: number };

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Every repeated key in a valid JSON text, in document order. */
export function findDuplicateKeys(text: string): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const stack: Frame[] = [];
  let i = 0;
  const skipWs = (): void => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const stringEnd = (start: number): number => {
    let j = start + 1;
    while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  };
  /** The pointer of the value about to be read. */
  const here = (): string => {
    const top = stack[stack.length - 1];
    if (top === undefined) return '';
    return top.kind === 'object' ? `${top.pointer}/${pointerToken(top.key)}` : `${top.pointer}/${top.index}`;
  };
  const readKey = (): void => {
    const top = stack[stack.length - 1];
    if (top?.kind !== 'object') return;
    skipWs();
    const start = i;
    i = stringEnd(i);
    const key = JSON.parse(text.slice(start, i)) as string;
    if (top.keys.has(key)) out.push({ pointer: `${top.pointer}/${pointerToken(key)}`, key, offset: start });
    top.keys.add(key);
    top.key = key;
    skipWs();
    i++; // ':'
  };
  for (;;) {
    // At a value.
    skipWs();
    const c = text[i];
    if (c === '{' || c === '[') {
      const pointer = here();
      i++;
      skipWs();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++;
      } else {
        stack.push(c === '{' ? { kind: 'object', pointer, keys: new Set(), key: '' } : { kind: 'array', pointer, index: 0 });
        readKey();
        continue;
      }
    } else if (c === '"') {
      i = stringEnd(i);
    } else {
      while (i < text.length && !WS.has(text.charCodeAt(i)) && text[i] !== ',' && text[i] !== '}' && text[i] !== ']') i++;
    }
    // After a value: close as many containers as end here, then move to the next member.
    for (;;) {
      skipWs();
      const top = stack[stack.length - 1];
      if (top === undefined) return out;
      if (text[i] === ',') {
        i++;
        if (top.kind === 'array') top.index++;
        else readKey();
        break;
      }
      i++; // '}' or ']'
      stack.pop();
    }
  }
}
