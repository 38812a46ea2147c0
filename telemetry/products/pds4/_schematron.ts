/**
 * @module Runs the PDS4 ISO Schematron (`queryBinding="xslt2"`) with node-schematron, whose XPath
 * engine is fontoxpath (XPath 3.1, a superset of the XPath 2.0 the PDS rules are written in).
 * The rules are those of the `.sch` file, none are written here; this module only adapts the file
 * and the engine to each other:
 *
 * 1. `<title>` children of `sch:assert` (a PDS habit, not ISO Schematron) are taken out before
 *    node-schematron reads the schema (it rejects unknown message elements) and kept as the rule name.
 * 2. `role="warning"` (on `sch:rule` or `sch:assert`, ISO 19757-3 §5.5.11) becomes the severity;
 *    node-schematron ignores `@role`, so every assertion gets an `@id` that indexes a side table.
 * 3. Rule contexts are XSLT match patterns; node-schematron evaluates them as `//(context)`, once
 *    per node of the label. They are rewritten to select the same nodes in one pass
 *    ({@link rewriteRuleContext}).
 * 4. node-schematron binds each `sch:let` to fontoxpath's "any" result, so a sequence of two or more
 *    nodes comes back as an XPath *array* (FORG0006 on `if ($v)`, wrong `count($v)`). Its public static
 *    `Variable.reduceVariables` is replaced once by one that binds such values as typed `item()*`
 *    sequences (fontoxpath `createTypedValueFactory`), as XSLT would.
 * 5. node-schematron walks the whole document once per pattern (350 patterns). Patterns none of
 *    whose rule contexts can match are skipped: a context `pds:a/pds:b` needs elements `a` and `b`
 *    and an `a` parent of a `b` in the label (a necessary condition; predicates only narrow).
 */
import fontoxpath from 'fontoxpath';
import nodeSchematron from 'node-schematron';
import { parseXmlDocument, type Document, type Element, type Node } from 'slimdom';

const SCH_NS = 'http://purl.oclc.org/dsdl/schematron';
const PDS_NS = 'http://pds.nasa.gov/pds4/pds/v1';

type Schema = InstanceType<typeof nodeSchematron.Schema>;
type Pattern = Schema['patterns'][number];
type Variable = Pattern['variables'][number];
type FontoxpathOptions = Parameters<Pattern['validateDocument']>[2];

/** One failed assertion (or fired report). */
export interface SchematronFinding {
  /** The rule's context node. */
  readonly node: Node;
  readonly severity: 'error' | 'warning';
  /** The assertion text with `value-of`/`name` filled in, white space collapsed. */
  readonly message: string;
  /** The PDS rule name (`<title>` of the assertion), e.g. `pds:Identification_Area/pds:information_model_version/…`. */
  readonly rule: string;
}

/** A Schematron compiled once and applied to many labels. */
export interface CompiledSchematron {
  /** Number of patterns, rules and assertions read (for reports and tests). */
  readonly counts: { readonly patterns: number; readonly rules: number; readonly asserts: number };
  validate(doc: Document): SchematronFinding[];
}

interface AssertMeta {
  readonly severity: 'error' | 'warning';
  readonly rule: string;
}

/**
 * Item 3 of the module comment. node-schematron selects a rule's nodes with `//(context)`, which
 * evaluates the context once per node of the document. Equivalent selections that run once:
 * `/p` → `self::document-node()/p`; `//p` and a relative `p` whose first step has no predicate →
 * `self::document-node()/descendant::p` (a relative pattern `a/b` matches the `b` children of any
 * `a`). A relative pattern whose first step has a predicate (`a[1]` is positional relative to the
 * parent) is left as it is.
 */
export function rewriteRuleContext(context: string): string {
  const c = context.trim();
  const rel = c.startsWith('//') ? c.slice(2) : c;
  if (!rel.startsWith('/') && /^[A-Za-z_][\w.-]*:[A-Za-z_][\w.-]*(\/|$)/.test(rel)) {
    return `self::document-node()/descendant::${rel}`;
  }
  if (c.startsWith('/') && !c.startsWith('//')) return `self::document-node()${c}`;
  return c;
}

/**
 * What an XSLT match pattern needs in a document to match anything: the `{namespace}local` names of
 * its `pds:` steps and, for consecutive steps `a/b`, the parent>child pair `a>b`. Predicates are
 * ignored (they only narrow). Undefined when the pattern can match other nodes (wildcards, unions,
 * attributes, functions, `//` inside): such a pattern is always run.
 */
export function contextRequirements(context: string): string[] | undefined {
  let depth = 0;
  let quote = '';
  let plain = '';
  // Also accepts the rewritten forms of rewriteRuleContext.
  const c = context.trim().replace(/^self::document-node\(\)\/descendant::/, '').replace(/^self::document-node\(\)/, '');
  for (const ch of c) {
    if (quote !== '') {
      if (ch === quote) quote = '';
      continue;
    }
    if (depth > 0 && (ch === "'" || ch === '"')) quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']') depth--;
    else if (depth === 0) plain += ch;
  }
  const steps = plain.split('/');
  const names: string[] = [];
  for (const step of steps) {
    const m = /^pds:([A-Za-z_][\w.-]*)$/.exec(step);
    if (!m) {
      // A leading absolute step (`self::document-node()`, `*`) constrains nothing we index.
      if (names.length === 0 && steps.length > 1) continue;
      const last = /^pds:([A-Za-z_][\w.-]*)$/.exec(steps[steps.length - 1] ?? '');
      return last ? [`{${PDS_NS}}${last[1]}`] : undefined;
    }
    names.push(`{${PDS_NS}}${m[1]}`);
  }
  const pairs = names.slice(1).map((n, i) => `${names[i]}>${n}`);
  return names.length === 0 ? undefined : [...names, ...pairs];
}

let variablesPatched = false;

/** Item 4 of the module comment: bind multi-item `sch:let` values as sequences, not arrays. */
function patchVariableBinding(variableClass: { reduceVariables: unknown }): void {
  if (variablesPatched) return;
  variablesPatched = true;
  const asSequence = fontoxpath.createTypedValueFactory('item()*');
  variableClass.reduceVariables = (
    context: unknown,
    variables: readonly Variable[],
    options: FontoxpathOptions,
    initial: Record<string, unknown> | null,
  ): Record<string, unknown> => {
    const mapping: Record<string, unknown> = initial ?? {};
    for (const v of variables) {
      if (!v.value) {
        mapping[v.name] = context;
        continue;
      }
      const items = fontoxpath.evaluateXPath(
        v.value, context as Node, null, mapping, fontoxpath.evaluateXPath.ALL_RESULTS_TYPE, options,
      ) as unknown[];
      mapping[v.name] = items.length === 1 ? items[0] : asSequence(items as never, null as never);
    }
    return mapping;
  };
}

const elementsOf = (root: Document | Element): Element[] => {
  const out: Element[] = [];
  const walk = (n: Document | Element): void => {
    for (let c = n.firstElementChild; c !== null; c = c.nextElementSibling) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
};

/** The element names (`{ns}local`) and parent>child name pairs found in a document. */
function presentNames(doc: Document): Set<string> {
  const present = new Set<string>();
  for (const e of elementsOf(doc)) {
    const name = `{${e.namespaceURI ?? ''}}${e.localName}`;
    present.add(name);
    const parent = e.parentElement;
    if (parent) present.add(`{${parent.namespaceURI ?? ''}}${parent.localName}>${name}`);
  }
  return present;
}

/** Read and prepare a PDS4 Schematron text. Takes ~1 s for the 240 kB 1Q00 file: compile once. */
export function compileSchematron(schText: string): CompiledSchematron {
  const dom = parseXmlDocument(schText);
  const meta: AssertMeta[] = [];
  let rules = 0;
  for (const rule of Array.from(dom.getElementsByTagNameNS(SCH_NS, 'rule'))) {
    rules++;
    const context = rule.getAttribute('context');
    if (context !== null) rule.setAttribute('context', rewriteRuleContext(context));
    const ruleRole = rule.getAttribute('role');
    for (const a of Array.from(rule.children)) {
      if (a.namespaceURI !== SCH_NS || (a.localName !== 'assert' && a.localName !== 'report')) continue;
      let title = '';
      for (const c of Array.from(a.children)) {
        if (c.namespaceURI === SCH_NS) continue;
        if (c.localName === 'title') title = (c.textContent ?? '').trim();
        a.removeChild(c);
      }
      const role = a.getAttribute('role') ?? ruleRole;
      a.setAttribute('id', String(meta.length));
      meta.push({ severity: role !== null && /^(warning|warn|info|information)$/i.test(role) ? 'warning' : 'error', rule: title });
    }
  }
  const schema = nodeSchematron.Schema.fromDom(dom);
  const firstVariable = schema.patterns.flatMap((p) => [...p.variables, ...p.rules.flatMap((r) => r.variables)])[0];
  if (firstVariable) patchVariableBinding(firstVariable.constructor as unknown as { reduceVariables: unknown });

  // Item 5: per pattern, what each rule context needs in a document (undefined: run always).
  const patternNeeds = schema.patterns.map((p) => {
    const needs: string[][] = [];
    for (const r of p.rules) {
      const n = contextRequirements(r.context);
      if (n === undefined) return undefined;
      needs.push(n);
    }
    return needs;
  });

  return {
    counts: { patterns: schema.patterns.length, rules, asserts: meta.length },
    validate(doc: Document): SchematronFinding[] {
      const present = presentNames(doc);
      const patterns = schema.patterns.filter((_, i) => {
        const needs = patternNeeds[i];
        return needs === undefined || needs.some((rule) => rule.every((n) => present.has(n)));
      });
      const sub = new nodeSchematron.Schema(schema.title, schema.defaultPhase, schema.variables, schema.phases, patterns, schema.namespaces);
      return sub.validateDocument(doc as never).map((r) => {
        const m = r.assertId === null ? undefined : meta[Number(r.assertId)];
        return {
          node: r.context as unknown as Node,
          severity: m?.severity ?? 'error',
          message: (r.message ?? '').replace(/\s+/g, ' ').trim(),
          rule: m?.rule ?? '',
        };
      });
    },
  };
}

/** Document-order index of every element, to map a finding's node to its start-tag line. */
export function elementIndex(doc: Document): Map<Node, number> {
  const index = new Map<Node, number>();
  elementsOf(doc).forEach((e, i) => index.set(e as unknown as Node, i));
  return index;
}
