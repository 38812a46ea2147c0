/**
 * @module Orbit (revolution) numbers counted from ascending-node crossings: the number increases by one at
 * each ascending node. The origin is the source's own (a TLE's revolution number at epoch, line 2 columns
 * 64–68, which by the NORAD convention counts from the ascending node); an OEM has none, so orbit 1 starts
 * at the beginning of its coverage.
 */
import type { Ephemeris } from '../ephemeris/types.js';
import type { Interval, UnixMs } from '../geometry/types.js';
import { northOfEquator } from './conditions.js';
import { scanConditions, type ScanOptions } from './find.js';

/** Orbit numbers over a range. */
export interface OrbitCounter {
  /** Ascending-node crossings found, sorted. */
  readonly nodes: readonly UnixMs[];
  /** Orbit number at `t` (`t` should lie within the range the counter was built for). */
  orbitAt(t: UnixMs): number;
}

/**
 * Count ascending nodes from the source's origin through `range`. `knownNodes`, ascending nodes already
 * found over all of `range`, spare scanning it again (only the stretch between the origin and the range is).
 */
export function orbitCounter(ephem: Ephemeris, range: Interval, options: ScanOptions = {}, knownNodes?: readonly UnixMs[]): OrbitCounter {
  const ref = ephem.orbitReference ?? { t: ephem.coverage[0]?.start ?? range.start, orbit: 1 };
  const scanNodes = (span: Interval): UnixMs[] =>
    span.end > span.start ? scanConditions(ephem, [northOfEquator()], span, options).scans[0]!.crossings.filter((c) => c.rising).map((c) => c.t) : [];
  let nodes: UnixMs[];
  if (knownNodes) {
    const before = scanNodes({ start: Math.min(ref.t, range.start), end: range.start }).filter((t) => t < range.start);
    const after = scanNodes({ start: range.end, end: Math.max(ref.t, range.end) }).filter((t) => t > range.end);
    nodes = [...before, ...knownNodes, ...after];
  } else {
    nodes = scanNodes({ start: Math.min(ref.t, range.start), end: Math.max(ref.t, range.end) });
  }
  // Number of nodes at or before t.
  const upTo = (t: UnixMs): number => {
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (nodes[mid]! <= t) lo = mid + 1; else hi = mid; }
    return lo;
  };
  const refCount = upTo(ref.t);
  return { nodes, orbitAt: (t) => ref.orbit + upTo(t) - refCount };
}
