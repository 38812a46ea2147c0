/**
 * @module Orbit windows for L0 products: an {@link OrbitNumbering} from an ephemeris (TLE or OEM) through the
 * planning module's orbit counter. A window is one revolution, from an ascending-node crossing to the next
 * (the NORAD convention a TLE's revolution number follows: the number increases by one at each ascending
 * node); its number is `orbitCounter`'s. At the edges of the ephemeris coverage a window starts or stops at the
 * coverage edge (no node can be found beyond it). A packet time outside the coverage is an InputError naming
 * the ephemeris file.
 */
import { InputError } from '../../src/errors.js';
import { taiToUtcIso, taiToUtcUnix, utcUnixToTai } from '../../src/time/index.js';
import { ephemerisFromFile, orbitCounter, type Ephemeris, type OrbitCounter } from '../../planning/index.js';
import type { OrbitNumbering } from './window.js';

const HOUR_MS = 3_600_000;

/** The orbit numbering of an ephemeris (ascending nodes found lazily, a stretch of a day or more at a time). */
export function orbitNumbering(ephem: Ephemeris): OrbitNumbering {
  const scanned: { start: number; end: number; counter: OrbitCounter }[] = [];
  const spanOf = (t: number) => ephem.coverage.find((c) => t >= c.start && t < c.end);
  /** The nodes around `t` in a counted stretch: previous (≤ t) and next (> t), or the coverage edges. */
  const around = (t: number, cov: { start: number; end: number }): { orbit: number; start: number; stop: number } | undefined => {
    for (const s of scanned) {
      if (t < s.start || t >= s.end) continue;
      const nodes = s.counter.nodes;
      let lo = 0, hi = nodes.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (nodes[mid]! <= t) lo = mid + 1; else hi = mid; }
      const prev = lo > 0 && nodes[lo - 1]! >= s.start ? nodes[lo - 1]! : undefined;
      const next = lo < nodes.length && nodes[lo]! < s.end ? nodes[lo]! : undefined;
      const start = prev ?? (s.start <= cov.start ? cov.start : undefined);
      const stop = next ?? (s.end >= cov.end ? cov.end : undefined);
      if (start !== undefined && stop !== undefined) return { orbit: s.counter.orbitAt(t), start, stop };
    }
    return undefined;
  };
  return (tai) => {
    const t = taiToUtcUnix(tai) * 1000;
    const cov = spanOf(t);
    if (!cov) {
      const spans = ephem.coverage.map((c) => `${new Date(c.start).toISOString()} .. ${new Date(c.end).toISOString()}`).join(', ');
      throw new InputError(`${ephem.source}: packet time ${taiToUtcIso(tai, 3)} is outside the ephemeris coverage (${spans || 'none'}): no orbit number for it`);
    }
    let found = around(t, cov);
    for (let margin = 12 * HOUR_MS; !found; margin *= 4) {
      const start = Math.max(cov.start, t - margin), end = Math.min(cov.end, t + margin);
      scanned.push({ start, end, counter: orbitCounter(ephem, { start, end }) });
      found = around(t, cov);
      if (!found && start === cov.start && end === cov.end) throw new InputError(`${ephem.source}: no orbit found around ${taiToUtcIso(tai, 3)}`);
    }
    return { orbit: found.orbit, startTai: utcUnixToTai(found.start / 1000), stopTai: utcUnixToTai(found.stop / 1000) };
  };
}

/**
 * Open an ephemeris file (TLE, OEM KVN or XML) for orbit windows; `object` selects one object in a file holding
 * several (name or catalogue number / OBJECT_ID).
 * @throws InputError naming the file when it cannot be read or used.
 */
export async function orbitNumberingFromFile(file: string, object?: string): Promise<OrbitNumbering> {
  let ephem: Ephemeris;
  try {
    ephem = await ephemerisFromFile(file, object !== undefined ? { object } : {});
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot read the ephemeris for orbit windows: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return orbitNumbering(ephem);
}
