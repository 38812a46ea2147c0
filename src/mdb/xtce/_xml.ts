/**
 * @module A small XML element tree with line numbers, over fast-xml-parser: local names (namespace prefixes
 * dropped), attributes as strings, children in document order, text. Refuses DOCTYPE and entity declarations
 * (XXE and entity expansion) before parsing.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '../../errors.js';

export interface XmlElement {
  /** Local name (prefix removed). */
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated text content directly inside the element, trimmed. */
  readonly text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
}

/** 1-based line of a character index. */
function lineIndex(text: string): (index: number) => number {
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (index) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/**
 * Parse `text` (from `file`) into its root element.
 * @throws InputError naming the file and line: a DOCTYPE or ENTITY declaration, malformed XML, no root element.
 */
export function parseXml(text: string, file: string): XmlElement {
  const lineOf = lineIndex(text);
  const decl = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (decl) throw new InputError(`${file}:${lineOf(decl.index)}: <!${decl[1]}> declarations are refused (XML external entities)`);
  // The parser is lenient (a mismatched end tag passes); the validator reports the first error with its line.
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new InputError(`${file}:${valid.err.line}: not well-formed XML: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    preserveOrder: true,
    captureMetaData: true,
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    processEntities: true,
    trimValues: true,
  });
  let tree: unknown[];
  try {
    tree = parser.parse(text) as unknown[];
  } catch (e) {
    const m = /[Ll]ine:? ?(\d+)/.exec(String((e as Error).message));
    throw new InputError(`${file}${m ? `:${m[1]}` : ''}: not well-formed XML: ${(e as Error).message.split('\n')[0]}`);
  }
  const meta = XMLParser.getMetaDataSymbol() as unknown as symbol;
  const convert = (node: Record<string | symbol, unknown>): XmlElement | undefined => {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (name === undefined || name === '#text' || name.startsWith('?') || name === '#comment') return undefined;
    const attrs = (node[':@'] as Record<string, string> | undefined) ?? {};
    const kids = (node[name] as Record<string | symbol, unknown>[]) ?? [];
    const children: XmlElement[] = [];
    let txt = '';
    for (const k of kids) {
      if ('#text' in k) txt += String(k['#text']);
      else {
        const c = convert(k);
        if (c) children.push(c);
      }
    }
    const m = node[meta] as { startIndex?: number } | undefined;
    return { name, attrs, children, text: txt.trim(), line: m?.startIndex !== undefined ? lineOf(m.startIndex) : 0 };
  };
  for (const n of tree) {
    const el = convert(n as Record<string | symbol, unknown>);
    if (el) return el;
  }
  throw new InputError(`${file}: no XML root element`);
}
