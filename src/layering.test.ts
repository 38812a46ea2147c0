/**
 * @module The layer order of the code (issue 15; architecture: src → planning → telemetry | telecommand → bin)
 * and the absence of import cycles, checked on the sources' relative imports (static, dynamic and type-only).
 * - src imports no domain; planning imports neither telemetry, telecommand nor bin; telemetry and telecommand
 *   import neither each other nor bin;
 * - a domain imports another domain only through its index.ts (bin, the assembly, may reach in);
 * - no cycle among modules' runtime imports (type-only imports are erased and cannot form one at run time).
 * Test code (`*.test.ts`, `*.case.ts`) and test helpers (`_test-*.ts`) may use any layer to build their inputs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RANK: Readonly<Record<string, number>> = { src: 0, planning: 1, telemetry: 2, telecommand: 2, bin: 3 };
const DOMAINS = new Set(['planning', 'telemetry', 'telecommand']);
/** Known exceptions, each with its reason (none: the command-line helpers live in bin/cli since issue 15). */
const ALLOWED: readonly RegExp[] = [];

interface Edge { readonly from: string; readonly to: string; readonly runtime: boolean }

function sources(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.case.ts') && !p.endsWith('.d.ts') && !e.name.startsWith('_test-')) out.push(p);
    }
  };
  for (const r of Object.keys(RANK)) walk(r);
  return out;
}

/** Relative imports of a file: `import … from`, `export … from`, `import(…)`. */
export function importsOf(file: string, text: string): Edge[] {
  const out: Edge[] = [];
  const re = /(?:^|[;\n])\s*(import|export)(\s+type)?\s[^'";]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4]!;
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    // Dynamic imports and type-only imports do not load a module while its importer loads: no cycle through them.
    out.push({ from: file, to, runtime: m[4] === undefined && m[2] === undefined });
  }
  return out;
}

function violations(edges: readonly Edge[]): string[] {
  const bad: string[] = [];
  for (const e of edges) {
    const a = e.from.split('/')[0]!;
    const b = e.to.split('/')[0]!;
    if (a === b || RANK[b] === undefined) continue;
    const line = `${e.from} -> ${e.to}`;
    if (ALLOWED.some((r) => r.test(line))) continue;
    if (RANK[b]! >= RANK[a]!) bad.push(`${line}: ${a} may not import ${b} (src → planning → telemetry | telecommand → bin)`);
    else if (DOMAINS.has(a) && DOMAINS.has(b) && e.to !== `${b}/index.ts`) bad.push(`${line}: a domain imports another only through ${b}/index.ts`);
  }
  return bad;
}

/** Cycles of runtime imports (strongly connected components of more than one module, or a self-import). */
export function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.runtime) (next.get(e.from) ?? next.set(e.from, []).get(e.from)!).push(e.to);
  let n = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), on = new Set<string>(), stack: string[] = [], out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, n); low.set(v, n); n++; stack.push(v); on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) { on.delete(w); scc.push(w); if (w === v) break; }
      if (scc.length > 1 || (next.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('layers and cycles', () => {
  const edges = sources().flatMap((f) => importsOf(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));

  it('reads the imports of the sources (the check sees what it checks)', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual({ from: 'telemetry/products/from-archive.ts', to: 'src/archive/index.ts', runtime: false });
  });

  it('no import breaks the layer order; domains meet only at their index.ts', () => {
    expect(violations(edges)).toEqual([]);
  });

  it('no import cycle', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('finds a planted upward import, a deep domain import and a cycle', () => {
    const planted = [
      ...importsOf('src/x.ts', "import { a } from '../telemetry/index.js';"),
      ...importsOf('telemetry/y.ts', "import { b } from '../planning/plan/load.js';\nimport type { C } from './z.js';"),
      ...importsOf('telemetry/z.ts', "export { y } from './y.js';"),
      ...importsOf('telemetry/w.ts', "const m = await import('./y.js');"),
    ];
    expect(violations(planted)).toEqual([
      'src/x.ts -> telemetry/index.ts: src may not import telemetry (src → planning → telemetry | telecommand → bin)',
      'telemetry/y.ts -> planning/plan/load.ts: a domain imports another only through planning/index.ts',
    ]);
    expect(cycles(planted)).toEqual([]); // y → z is type-only
    expect(cycles([...planted, ...importsOf('telemetry/y.ts', "import { z } from './z.js';")])).toEqual([['telemetry/y.ts', 'telemetry/z.ts']]);
  });
});
