/**
 * @module Line numbers of element start tags, in document order, read from the label text.
 * slimdom keeps no source positions, so a Schematron finding (a DOM node) is mapped to its line
 * through its element's document-order index: the n-th element of the DOM is the n-th start tag of
 * the text. Only for well-formed XML (checked before): there every `<` outside comments, CDATA,
 * processing instructions and the DOCTYPE opens a tag (XML 1.0 §2.4: `<` is never literal in content
 * or attribute values).
 */

/** 1-based line of each element start tag, in document order. */
export function elementStartLines(xml: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  const advanceTo = (end: number): void => {
    for (let i = pos; i < end; i++) if (xml.charCodeAt(i) === 10) line++;
    pos = end;
  };
  for (;;) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) break;
    advanceTo(lt);
    const skipTo = (terminator: string): void => {
      const end = xml.indexOf(terminator, lt);
      advanceTo(end < 0 ? xml.length : end + terminator.length);
    };
    if (xml.startsWith('<!--', lt)) skipTo('-->');
    else if (xml.startsWith('<![CDATA[', lt)) skipTo(']]>');
    else if (xml.startsWith('<?', lt)) skipTo('?>');
    else if (xml.startsWith('<!', lt)) skipDoctype(lt);
    else {
      if (xml.charCodeAt(lt + 1) !== 47 /* '/' */) lines.push(line);
      advanceTo(lt + 1);
    }
  }
  return lines;

  function skipDoctype(start: number): void {
    // <!DOCTYPE name [ internal subset ]>: the subset may hold '>' inside brackets.
    let depth = 0;
    let i = start + 2;
    for (; i < xml.length; i++) {
      const c = xml[i];
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth <= 0) break;
    }
    advanceTo(Math.min(i + 1, xml.length));
  }
}
