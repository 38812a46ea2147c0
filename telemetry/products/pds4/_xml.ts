/**
 * @module A tiny deterministic XML writer for PDS4 labels: elements as data, serialized with two-space
 * indentation, LF line ends, attributes in the order given, text escaped (XML 1.0 §2.4).
 */

/** An element: name, attributes, and either text or child elements (undefined children are dropped). */
export interface XmlElement {
  readonly name: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly text?: string;
  readonly children?: readonly (XmlElement | undefined)[];
}

/** Element with text content. Numbers are written in plain decimal. */
export const leaf = (name: string, value: string | number, attrs?: Readonly<Record<string, string>>): XmlElement =>
  attrs === undefined ? { name, text: String(value) } : { name, text: String(value), attrs };

/** Element with child elements. */
export const node = (name: string, children: readonly (XmlElement | undefined)[], attrs?: Readonly<Record<string, string>>): XmlElement =>
  attrs === undefined ? { name, children } : { name, children, attrs };

export const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const escapeAttr = (s: string): string => escapeText(s).replace(/"/g, '&quot;');

/** Serialize one element (and its subtree) at an indentation depth. */
export function serialize(e: XmlElement, depth = 0): string {
  const pad = '  '.repeat(depth);
  const attrs = Object.entries(e.attrs ?? {}).map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  if (e.text !== undefined) return `${pad}<${e.name}${attrs}>${escapeText(e.text)}</${e.name}>\n`;
  const kids = (e.children ?? []).filter((c): c is XmlElement => c !== undefined);
  if (kids.length === 0) return `${pad}<${e.name}${attrs}/>\n`;
  return `${pad}<${e.name}${attrs}>\n${kids.map((c) => serialize(c, depth + 1)).join('')}${pad}</${e.name}>\n`;
}
