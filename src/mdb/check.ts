/**
 * @module The rules of a telemetry database a schema cannot say: unique names, every reference resolves
 * (parameter types, parameters in entries, criteria, sizes and dimensions, base and referenced containers),
 * array parameters used through array entries, no inheritance cycles. Problems as data.
 */
import type { Problem } from '../errors.js';
import type { Container, MatchCriteria, SizeSpec, TmDatabase } from './types.js';

/**
 * Check `db`; `where(item)` names the place of a definition in messages (`file:line` for XTCE, a JSON pointer
 * for the JSON form). Returns the problems, empty when the database is usable.
 */
export function checkTmDatabase(db: TmDatabase, where: (item: { readonly source?: string }) => string): Problem[] {
  const problems: Problem[] = [];
  const bad = (item: { readonly source?: string }, code: string, message: string) => problems.push({ code, path: where(item), message });
  const unique = <T extends { readonly name: string; readonly source?: string }>(list: readonly T[], kind: string) => {
    const seen = new Set<string>();
    for (const x of list) {
      if (seen.has(x.name)) bad(x, 'duplicate-name', `${kind} name "${x.name}" is defined twice`);
      seen.add(x.name);
    }
    return new Map(list.map((x) => [x.name, x]));
  };
  const typeOf = unique(db.parameterTypes, 'parameter type');
  const params = unique(db.parameters, 'parameter');
  const containers = unique(db.containers, 'container');
  const checkCriteria = (m: MatchCriteria | undefined, item: { readonly source?: string }): void => {
    if (!m) return;
    if (m.kind === 'and' || m.kind === 'or') m.of.forEach((x) => checkCriteria(x, item));
    else for (const r of m.kind === 'comparison' ? [m.ref] : [m.left, m.right]) if (!params.has(r.parameter)) bad(item, 'unknown-parameter', `parameter "${r.parameter}" is not defined`);
  };
  const checkSize = (s: SizeSpec | undefined, item: { readonly source?: string }): void => {
    if (s?.kind === 'dynamic' && !params.has(s.parameter)) bad(item, 'unknown-parameter', `size parameter "${s.parameter}" is not defined`);
  };
  for (const t of db.parameterTypes) {
    if (t.encoding?.kind === 'string' || t.encoding?.kind === 'binary') checkSize(t.encoding.size, t);
    if (t.kind !== 'array' && !t.encoding) bad(t, 'no-encoding', `parameter type "${t.name}" has no encoding`);
    t.contextCalibrators?.forEach((c) => checkCriteria(c.when, t));
    t.contextAlarms?.forEach((c) => checkCriteria(c.when, t));
    if (t.kind === 'array') {
      if (!t.array) {
        bad(t, 'no-dimensions', `array type "${t.name}" has no element type and dimensions`);
        continue;
      }
      const el = typeOf.get(t.array.elementType);
      if (!el) bad(t, 'unknown-type', `array element type "${t.array.elementType}" is not defined`);
      else if (el.kind === 'array') bad(t, 'unsupported', 'arrays of arrays are not supported');
      for (const d of t.array.dimensions) for (const v of [d.startingIndex, d.endingIndex]) if (v.kind === 'dynamic' && !params.has(v.parameter)) bad(t, 'unknown-parameter', `dimension parameter "${v.parameter}" is not defined`);
    }
  }
  for (const p of db.parameters) if (!typeOf.has(p.type)) bad(p, 'unknown-type', `parameter type "${p.type}" of ${p.name} is not defined`);
  for (const c of db.containers) {
    if (c.base) {
      if (!containers.has(c.base.container)) bad(c, 'unknown-container', `base container "${c.base.container}" is not defined`);
      checkCriteria(c.base.restriction, c);
    }
    for (const e of c.entries) {
      checkCriteria(e.includeCondition, e);
      if (e.repeat?.count.kind === 'dynamic' && !params.has(e.repeat.count.parameter)) bad(e, 'unknown-parameter', `repeat count parameter "${e.repeat.count.parameter}" is not defined`);
      if (e.kind === 'container') {
        if (!containers.has(e.container)) bad(e, 'unknown-container', `container "${e.container}" is not defined`);
        continue;
      }
      const p = params.get(e.parameter);
      if (!p) {
        bad(e, 'unknown-parameter', `parameter "${e.parameter}" is not defined`);
        continue;
      }
      const isArray = typeOf.get(p.type)?.kind === 'array';
      if (isArray !== (e.kind === 'array')) bad(e, 'entry-kind', isArray ? `${e.parameter} is an array: use an array entry` : `${e.parameter} is not an array parameter`);
    }
  }
  if (problems.length) return problems;
  // Inheritance and container references must not loop.
  for (const c of db.containers) {
    const seen = new Set<string>();
    for (let x: Container | undefined = c; x?.base; x = containers.get(x.base.container)) {
      if (seen.has(x.name)) {
        bad(c, 'cycle', `container "${c.name}" inherits from itself`);
        break;
      }
      seen.add(x.name);
    }
    const refs = (x: Container, path: Set<string>): boolean => {
      for (const e of x.entries) {
        if (e.kind !== 'container') continue;
        if (path.has(e.container)) return true;
        if (refs(containers.get(e.container)!, new Set(path).add(e.container))) return true;
      }
      return false;
    };
    if (refs(c, new Set([c.name]))) bad(c, 'cycle', `container "${c.name}" includes itself through container references`);
  }
  return problems;
}
