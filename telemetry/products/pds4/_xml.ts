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
  /** Pre-rendered lines of the element at an indentation depth (the same text its children would give). */
  readonly render?: (depth: number) => string;
}

/**
 * An element serialized from a template: `make(slot)` builds the element with `slot(k)` standing for value k;
 * the result renders `values` into the template's text (escaped), cached per depth. For the many tables of
 * one label that differ only in a few numbers.
 */
export function templated(name: string, make: (slot: (k: number) => string) => XmlElement): (values: readonly (string | number)[]) => XmlElement {
  const cache = new Map<number, string[]>();
  const partsAt = (depth: number): string[] => {
    let parts = cache.get(depth);
    if (!parts) {
      parts = serialize(make((k) => `\u0000${k}\u0000`), depth).split('\u0000');
      cache.set(depth, parts);
    }
    return parts;
  };
  return (values) => ({
    name,
    render: (depth) => {
      const parts = partsAt(depth);
      let out = parts[0]!;
      for (let i = 1; i < parts.length; i += 2) out += escapeText(String(values[Number(parts[i])])) + parts[i + 1]!;
      return out;
    },
  });
}

/** Element with text content. Numbers are written in plain decimal. */
export const leaf = (name: string, value: string | number, attrs?: Readonly<Record<string, string>>): XmlElement =>
  attrs === undefined ? { name, text: String(value) } : { name, text: String(value), attrs };

/** Element with child elements. */
export const node = (name: string, children: readonly (XmlElement | undefined)[], attrs?: Readonly<Record<string, string>>): XmlElement =>
  attrs === undefined ? { name, children } : { name, children, attrs };

const SPECIAL = /[&<>]/;
export const escapeText = (s: string): string => (SPECIAL.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s);
export const escapeAttr = (s: string): string => escapeText(s).replace(/"/g, '&quot;');

const pads: string[] = [''];
const padOf = (depth: number): string => {
  while (pads.length <= depth) pads.push(`${pads[pads.length - 1]!}  `);
  return pads[depth]!;
};

/** Serialize one element (and its subtree) at an indentation depth. */
export function serialize(e: XmlElement, depth = 0): string {
  const out: string[] = [];
  write(e, depth, out);
  return out.join('');
}

/** Append the lines of `e` to `out` (one flat join at the end: labels of thousands of tables stay cheap). */
function write(e: XmlElement, depth: number, out: string[]): void {
  if (e.render !== undefined) {
    out.push(e.render(depth));
    return;
  }
  const pad = padOf(depth);
  let attrs = '';
  if (e.attrs !== undefined) for (const k of Object.keys(e.attrs)) attrs += ` ${k}="${escapeAttr(e.attrs[k]!)}"`;
  if (e.text !== undefined) {
    out.push(`${pad}<${e.name}${attrs}>${escapeText(e.text)}</${e.name}>\n`);
    return;
  }
  const kids = e.children ?? [];
  if (!kids.some((c) => c !== undefined)) {
    out.push(`${pad}<${e.name}${attrs}/>\n`);
    return;
  }
  out.push(`${pad}<${e.name}${attrs}>\n`);
  for (const c of kids) if (c !== undefined) write(c, depth + 1, out);
  out.push(`${pad}</${e.name}>\n`);
}
