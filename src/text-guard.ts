/**
 * @module Guards for text inputs a user hands over (ephemerides, ITL/EVF timelines, MIB tables, XML): refuse, in one
 * line naming the file and where, what is not text at all (binary junk) and XML that asks for a DOCTYPE or entity
 * declarations (XXE, entity expansion) or nests absurdly deep — before any parser sees it.
 */
import { InputError, formatOffset } from './errors.js';

/** Deepest element nesting accepted in an XML input. */
export const MAX_XML_DEPTH = 256;
/** Bytes of the head looked at for binary content. */
const SNIFF = 64 * 1024;

const lineAt = (text: string, index: number): number => {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
};

/**
 * Throw when `text` is not text: a NUL, or more than 1 in 16 of its first 64 KiB being control characters other
 * than tab, CR, LF and FF (or U+FFFD replacement characters from bytes that were not UTF-8).
 * @throws InputError `file: offset 0x…: binary data, not a <what>`.
 */
export function refuseBinary(text: string, file: string, what: string): void {
  const n = Math.min(text.length, SNIFF);
  let odd = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const control = (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0x7f || c === 0xfffd;
    if (!control) continue;
    if (first < 0) first = i;
    if (c === 0) throw new InputError(`${file}: ${formatOffset(i)}: binary data (a NUL character), not ${what}`);
    odd++;
  }
  if (odd * 16 > n) throw new InputError(`${file}: ${formatOffset(first)}: binary data (${odd} control characters in the first ${n}), not ${what}`);
}

/**
 * Throw when an XML text declares a DOCTYPE or entities (refused: external entities read files, internal ones
 * expand without bound) or nests elements deeper than {@link MAX_XML_DEPTH}.
 * @throws InputError `file:line: …`.
 */
export function refuseUnsafeXml(text: string, file: string): void {
  const decl = /<!(DOCTYPE|ENTITY)\b/i.exec(text);
  if (decl) throw new InputError(`${file}:${lineAt(text, decl.index)}: <!${decl[1]!.toUpperCase()} …> refused: DOCTYPE and entity declarations are not read (XXE)`);
  let depth = 0;
  const tag = /<(\/?)([A-Za-z_][^\s/>]*)[^>]*?(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    if (m[2] === undefined) continue; // comment, CDATA, processing instruction
    if (m[1]) depth--;
    else if (!m[3]) {
      depth++;
      if (depth > MAX_XML_DEPTH) throw new InputError(`${file}:${lineAt(text, m.index)}: XML nested deeper than ${MAX_XML_DEPTH} elements`);
    }
  }
}
