/**
 * @module An ADQL 2.1 subset (IVOA ADQL 2.1 §2): a tokenizer and a recursive-descent parser into a syntax tree,
 * and an evaluator over rows in memory. Never SQL: a query is a tree checked against the table's columns, so no
 * text of a query reaches a database. Supported: `SELECT [TOP n] * | col [AS alias], … FROM table [AS a] [WHERE
 * cond] [ORDER BY col [ASC|DESC], …] [OFFSET n]`, conditions with `= <> != < <= > >=`, `AND`, `OR`, `NOT`,
 * parentheses, `[NOT] BETWEEN … AND …`, `[NOT] LIKE 'pattern'` (`%`, `_`), `IS [NOT] NULL`, `[NOT] IN (…)`.
 * Errors carry the character position (1-based) of the offending token.
 */

export class AdqlError extends Error {
  constructor(message: string, readonly position: number) {
    super(`ADQL: ${message} at position ${position}`);
  }
}

type TokKind = 'ident' | 'delimited' | 'string' | 'number' | 'op' | 'eof';
interface Token { readonly kind: TokKind; readonly text: string; readonly pos: number }

const KEYWORDS = new Set(['SELECT', 'TOP', 'FROM', 'AS', 'WHERE', 'AND', 'OR', 'NOT', 'BETWEEN', 'LIKE', 'ORDER', 'BY', 'ASC', 'DESC', 'OFFSET', 'IS', 'NULL', 'IN', 'DISTINCT']);
const MAX_QUERY = 20_000;
const MAX_DEPTH = 64;

/** Split a query into tokens (§2.1: identifiers, `"delimited"` identifiers, `'strings'` with `''`, numbers). */
export function tokenize(q: string): Token[] {
  if (q.length > MAX_QUERY) throw new AdqlError(`query longer than ${MAX_QUERY} characters`, MAX_QUERY);
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '-' && q[i + 1] === '-') { while (i < q.length && q[i] !== '\n') i++; continue; } // comment (§2.1.9)
    const pos = i + 1;
    if (/[A-Za-z]/.test(c)) {
      let j = i + 1;
      while (j < q.length && /[A-Za-z0-9_]/.test(q[j]!)) j++;
      out.push({ kind: 'ident', text: q.slice(i, j), pos });
      i = j;
    } else if (c === '"') {
      let j = i + 1; let text = '';
      for (;;) {
        if (j >= q.length) throw new AdqlError('unterminated delimited identifier', pos);
        if (q[j] === '"') { if (q[j + 1] === '"') { text += '"'; j += 2; continue; } break; }
        text += q[j++];
      }
      if (text === '') throw new AdqlError('empty delimited identifier', pos);
      out.push({ kind: 'delimited', text, pos });
      i = j + 1;
    } else if (c === "'") {
      let j = i + 1; let text = '';
      for (;;) {
        if (j >= q.length) throw new AdqlError('unterminated string', pos);
        if (q[j] === "'") { if (q[j + 1] === "'") { text += "'"; j += 2; continue; } break; }
        text += q[j++];
      }
      out.push({ kind: 'string', text, pos });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(q[i + 1] ?? ''))) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(q.slice(i));
      if (!m) throw new AdqlError(`unexpected '${c}'`, pos);
      out.push({ kind: 'number', text: m[0], pos });
      i += m[0].length;
    } else {
      const two = q.slice(i, i + 2);
      if (['<=', '>=', '<>', '!='].includes(two)) { out.push({ kind: 'op', text: two, pos }); i += 2; continue; }
      if ('=<>(),*.+-'.includes(c)) { out.push({ kind: 'op', text: c, pos }); i++; continue; }
      throw new AdqlError(`unexpected character ${JSON.stringify(c)}`, pos);
    }
  }
  out.push({ kind: 'eof', text: '', pos: q.length + 1 });
  return out;
}

export type Value = string | number | null;
export interface ColumnRef { readonly kind: 'column'; readonly name: string; readonly pos: number }
export type Operand = ColumnRef | { readonly kind: 'literal'; readonly value: Value };
export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly cond: Condition }
  | { readonly kind: 'compare'; readonly op: string; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'between'; readonly negated: boolean; readonly value: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: 'like'; readonly negated: boolean; readonly value: Operand; readonly pattern: string }
  | { readonly kind: 'null'; readonly negated: boolean; readonly value: Operand }
  | { readonly kind: 'in'; readonly negated: boolean; readonly value: Operand; readonly list: readonly Value[] };

export interface SelectItem { readonly column: string; readonly alias: string; readonly pos: number }
export interface Query {
  readonly top: number | undefined;
  /** Undefined for `*`. */
  readonly columns: readonly SelectItem[] | undefined;
  readonly table: string;
  readonly where: Condition | undefined;
  readonly orderBy: readonly { readonly column: string; readonly descending: boolean; readonly pos: number }[];
  readonly offset: number | undefined;
}

/** Parse a query (the table and column names are checked by {@link runQuery}). */
export function parseAdql(text: string): Query {
  const toks = tokenize(text);
  let k = 0;
  const peek = (): Token => toks[k]!;
  const next = (): Token => toks[k++]!;
  const isKw = (t: Token, kw: string): boolean => t.kind === 'ident' && t.text.toUpperCase() === kw;
  const accept = (kw: string): boolean => { if (isKw(peek(), kw)) { k++; return true; } return false; };
  const acceptOp = (op: string): boolean => { if (peek().kind === 'op' && peek().text === op) { k++; return true; } return false; };
  const fail = (what: string, t = peek()): never => { throw new AdqlError(`expected ${what}, found ${t.kind === 'eof' ? 'end of query' : JSON.stringify(t.text)}`, t.pos); };
  const expect = (kw: string): void => { if (!accept(kw)) fail(kw); };
  const expectOp = (op: string): void => { if (!acceptOp(op)) fail(`'${op}'`); };
  const name = (): Token => {
    const t = peek();
    if (t.kind === 'delimited' || (t.kind === 'ident' && !KEYWORDS.has(t.text.toUpperCase()))) { k++; return t; }
    return fail('a name');
  };
  const norm = (t: Token): string => (t.kind === 'delimited' ? t.text : t.text.toLowerCase());
  /** `[schema.]table` or `[alias.]column`: the last part. */
  const qualified = (): { name: string; pos: number } => {
    let t = name();
    while (acceptOp('.')) t = name();
    return { name: norm(t), pos: t.pos };
  };
  const integer = (what: string): number => {
    const t = next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text) || Number(t.text) > 1e9) fail(what, t);
    return Number(t.text);
  };
  const literal = (): Value => {
    const t = peek();
    if (t.kind === 'string') { k++; return t.text; }
    let sign = 1;
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) { k++; sign = t.text === '-' ? -1 : 1; }
    const n = peek();
    if (n.kind === 'number') { k++; return sign * Number(n.text); }
    if (sign === 1 && isKw(n, 'NULL')) { k++; return null; }
    return fail('a number or a string', n);
  };
  const operand = (): Operand => {
    const t = peek();
    if (t.kind === 'string' || t.kind === 'number' || (t.kind === 'op' && (t.text === '-' || t.text === '+'))) return { kind: 'literal', value: literal() };
    if (isKw(t, 'NULL')) { k++; return { kind: 'literal', value: null }; }
    const c = qualified();
    return { kind: 'column', name: c.name, pos: c.pos };
  };
  let depth = 0;
  const condition = (): Condition => {
    if (++depth > MAX_DEPTH) throw new AdqlError('condition nested too deeply', peek().pos);
    let left = conjunction();
    while (accept('OR')) left = { kind: 'or', left, right: conjunction() };
    depth--;
    return left;
  };
  const conjunction = (): Condition => {
    let left = negation();
    while (accept('AND')) left = { kind: 'and', left, right: negation() };
    return left;
  };
  const negation = (): Condition => {
    if (accept('NOT')) { if (++depth > MAX_DEPTH) throw new AdqlError('condition nested too deeply', peek().pos); const c = negation(); depth--; return { kind: 'not', cond: c }; }
    return predicate();
  };
  const predicate = (): Condition => {
    if (peek().kind === 'op' && peek().text === '(') {
      k++;
      const c = condition();
      expectOp(')');
      return c;
    }
    const value = operand();
    if (accept('IS')) { const negated = accept('NOT'); expect('NULL'); return { kind: 'null', negated, value }; }
    const negated = accept('NOT');
    if (accept('BETWEEN')) {
      const low = operand(); expect('AND'); const high = operand();
      return { kind: 'between', negated, value, low, high };
    }
    if (accept('LIKE')) {
      const t = next();
      if (t.kind !== 'string') fail('a string pattern', t);
      return { kind: 'like', negated, value, pattern: t.text };
    }
    if (accept('IN')) {
      expectOp('(');
      const list: Value[] = [literal()];
      while (acceptOp(',')) list.push(literal());
      expectOp(')');
      return { kind: 'in', negated, value, list };
    }
    if (negated) fail('BETWEEN, LIKE or IN after NOT');
    const t = peek();
    if (t.kind !== 'op' || !['=', '<>', '!=', '<', '<=', '>', '>='].includes(t.text)) fail('a comparison operator');
    k++;
    return { kind: 'compare', op: t.text === '!=' ? '<>' : t.text, left: value, right: operand() };
  };

  expect('SELECT');
  if (accept('DISTINCT')) fail('no DISTINCT (not supported)', toks[k - 1]);
  let top: number | undefined;
  if (accept('TOP')) top = integer('a row count after TOP');
  let columns: SelectItem[] | undefined;
  if (acceptOp('*')) columns = undefined;
  else {
    columns = [];
    do {
      const c = qualified();
      let alias = c.name;
      if (accept('AS')) alias = norm(name());
      columns.push({ column: c.name, alias, pos: c.pos });
    } while (acceptOp(','));
  }
  expect('FROM');
  const table = qualified().name;
  if (accept('AS')) name();
  else if (peek().kind === 'delimited' || (peek().kind === 'ident' && !KEYWORDS.has(peek().text.toUpperCase()))) k++;
  const where = accept('WHERE') ? condition() : undefined;
  const orderBy: { column: string; descending: boolean; pos: number }[] = [];
  if (accept('ORDER')) {
    expect('BY');
    do {
      const c = qualified();
      const descending = accept('DESC') ? true : (accept('ASC'), false);
      orderBy.push({ column: c.name, descending, pos: c.pos });
    } while (acceptOp(','));
  }
  const offset = accept('OFFSET') ? integer('a row count after OFFSET') : undefined;
  if (peek().kind !== 'eof') fail('end of query');
  return { top, columns, table, where, orderBy, offset };
}

/** A table the evaluator reads: its column names (lower case) and its rows. */
export interface AdqlTable {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: Iterable<Readonly<Record<string, Value>>>;
}

type Truth = boolean | null;
const cmp = (a: Value, b: Value): number | null => {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = String(a); const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
const not = (t: Truth): Truth => (t === null ? null : !t);
const likeRegex = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 's');

/** Check every column a query names exists in `table` (errors with the position). */
function checkColumns(q: Query, table: AdqlTable): void {
  const known = new Set(table.columns);
  const check = (name: string, pos: number): void => { if (!known.has(name)) throw new AdqlError(`no column ${JSON.stringify(name)} in ${table.name}`, pos); };
  for (const c of q.columns ?? []) check(c.column, c.pos);
  for (const o of q.orderBy) {
    if (!known.has(o.column) && !(q.columns ?? []).some((c) => c.alias === o.column)) check(o.column, o.pos);
  }
  const walk = (c: Condition): void => {
    const op = (o: Operand): void => { if (o.kind === 'column') check(o.name, o.pos); };
    switch (c.kind) {
      case 'and': case 'or': walk(c.left); walk(c.right); break;
      case 'not': walk(c.cond); break;
      case 'compare': op(c.left); op(c.right); break;
      case 'between': op(c.value); op(c.low); op(c.high); break;
      default: op(c.value);
    }
  };
  if (q.where) walk(q.where);
}

/** Run a parsed query over `table` (its name must match, with or without a schema). `maxrec` caps the rows. */
export function runQuery(q: Query, table: AdqlTable, maxrec: number): { columns: string[]; sources: string[]; rows: Value[][]; overflow: boolean } {
  if (q.table !== table.name) throw new AdqlError(`no table ${JSON.stringify(q.table)} (this service has ${table.name})`, 1);
  checkColumns(q, table);
  const val = (o: Operand, r: Readonly<Record<string, Value>>): Value => (o.kind === 'literal' ? o.value : r[o.name] ?? null);
  const test = (c: Condition, r: Readonly<Record<string, Value>>): Truth => {
    switch (c.kind) {
      case 'and': { const a = test(c.left, r); if (a === false) return false; const b = test(c.right, r); return b === false ? false : a === null || b === null ? null : true; }
      case 'or': { const a = test(c.left, r); if (a === true) return true; const b = test(c.right, r); return b === true ? true : a === null || b === null ? null : false; }
      case 'not': return not(test(c.cond, r));
      case 'compare': {
        const d = cmp(val(c.left, r), val(c.right, r));
        if (d === null) return null;
        return c.op === '=' ? d === 0 : c.op === '<>' ? d !== 0 : c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : d >= 0;
      }
      case 'between': {
        const v = val(c.value, r);
        const lo = cmp(v, val(c.low, r)); const hi = cmp(v, val(c.high, r));
        const t = lo === null || hi === null ? null : lo >= 0 && hi <= 0;
        return c.negated ? not(t) : t;
      }
      case 'like': {
        const v = val(c.value, r);
        const t = v === null ? null : likeRegex(c.pattern).test(String(v));
        return c.negated ? not(t) : t;
      }
      case 'null': { const isNull = val(c.value, r) === null; return c.negated ? !isNull : isNull; }
      case 'in': {
        const v = val(c.value, r);
        if (v === null) return null;
        const t = c.list.some((x) => cmp(v, x) === 0);
        return c.negated ? !t : t;
      }
    }
  };
  let rows = [...table.rows].filter((r) => !q.where || test(q.where, r) === true);
  if (q.orderBy.length) {
    const keys = q.orderBy.map((o) => ({ ...o, column: (q.columns ?? []).find((c) => c.alias === o.column && !table.columns.includes(o.column))?.column ?? o.column }));
    rows.sort((a, b) => {
      for (const o of keys) {
        const x = a[o.column] ?? null; const y = b[o.column] ?? null;
        // NULLs sort last ascending.
        const d = x === null ? (y === null ? 0 : 1) : y === null ? -1 : cmp(x, y)!;
        if (d !== 0) return o.descending ? -d : d;
      }
      return 0;
    });
  }
  if (q.offset !== undefined) rows = rows.slice(q.offset); // OFFSET before TOP (§2.2)
  if (q.top !== undefined) rows = rows.slice(0, q.top);
  const overflow = rows.length > maxrec;
  rows = rows.slice(0, maxrec);
  const sel = q.columns ?? table.columns.map((c) => ({ column: c, alias: c, pos: 0 }));
  return { columns: sel.map((c) => c.alias), sources: sel.map((c) => c.column), rows: rows.map((r) => sel.map((c) => r[c.column] ?? null)), overflow };
}
