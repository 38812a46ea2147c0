/**
 * @module `idoc routes` output: which APIDs go where, the declared APIDs no route claims (quarantine), overlaps.
 */
import { rangeText, toRanges, type RouteTable } from '../../src/config/index.js';

/** The routes report as data (`--json`). */
export function routesReport(table: RouteTable) {
  const unrouted = toRanges((a) => table.isKnown(a) && table.routeOf(a) === table.quarantine);
  return {
    origin: table.origin,
    routes: table.routes.map((r) => ({
      name: r.name,
      apids: r === table.quarantine ? 'unclaimed' : rangeText(r.apids),
      archive: r.archive,
      ...(r.rawFile !== undefined ? { rawFile: r.rawFile } : {}),
      forward: r.forward,
      ...(r.description !== undefined ? { description: r.description } : {}),
    })),
    declaredButUnrouted: rangeText(unrouted),
    overlaps: table.overlaps.map((o) => ({ apids: rangeText([o.apids]), winner: o.winner, other: o.other })),
  };
}

export function formatRoutes(r: ReturnType<typeof routesReport>): string {
  const rows = [['route', 'APIDs', 'targets']];
  for (const x of r.routes) {
    const targets = [x.archive ? `archive:${x.name}` : '', x.rawFile !== undefined ? `raw:${x.rawFile}` : '', ...x.forward.map((f) => `forward:${f}`)].filter(Boolean);
    rows.push([x.name, x.apids, targets.join(' ') || '(none)']);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd());
  if (r.origin === 'default') lines.push('', 'no routes section: one route for the declared APIDs');
  if (r.declaredButUnrouted) lines.push('', `declared APIDs no route claims (→ quarantine): ${r.declaredButUnrouted}`);
  if (r.overlaps.length) {
    lines.push('', 'overlaps:');
    for (const o of r.overlaps) lines.push(`  APID ${o.apids}: claimed by ${o.winner} and ${o.other} (${o.winner} gets them)`);
  } else lines.push('', 'no overlaps');
  return `${lines.join('\n')}\n`;
}
