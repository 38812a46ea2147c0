/**
 * @module Access to packets and parameter samples (issue 17): the same rule as for products (auth.ts), applied to
 * each packet or sample with its own time as the "stop": operators read everything, co-investigators their granted
 * routes, anyone a route's data once its embargo (months after the data's time) is past. A sample belongs to the
 * routes its APID is filed under in the packet archive; a sample of an APID in no route is for operators only.
 * Plain data (no class, no closure over a request) so a job's worker thread gets the same rule.
 */
import { addMonths } from './auth.js';

/** Who may read what, as data that crosses to a worker thread. */
export interface AccessSpec {
  readonly all: boolean;
  readonly routes: readonly string[];
  readonly embargoes: readonly (readonly [string, number])[];
  readonly nowUnixMs: number;
}

/**
 * A test of (route, data time in Unix ms). For an embargoed route not granted, the data is public when its time
 * plus the embargo is past; since adding months is monotonic, the newest public instant is found once per route
 * (bisection over the calendar) and each packet is one comparison.
 */
export function routeTimeGate(a: AccessSpec): (route: string, unixMs: number) => boolean {
  if (a.all) return () => true;
  const granted = new Set(a.routes);
  const cutoff = new Map<string, number>();
  for (const [route, months] of a.embargoes) {
    if (granted.has(route)) continue;
    // Largest t (ms) with addMonths(t, months) <= now: between now - (months + 1) * 31 days and now.
    let lo = a.nowUnixMs - (months + 1) * 31 * 86_400_000;
    let hi = a.nowUnixMs;
    const released = (t: number): boolean => addMonths(new Date(t).toISOString(), months) <= a.nowUnixMs;
    if (!released(lo)) { cutoff.set(route, -Infinity); continue; }
    while (hi - lo > 1) { const mid = Math.floor((lo + hi) / 2); if (released(mid)) lo = mid; else hi = mid; }
    cutoff.set(route, lo);
  }
  return (route, unixMs) => granted.has(route) || unixMs <= (cutoff.get(route) ?? -Infinity);
}

/** A test of (APID, data time) given the routes each APID is filed under. */
export function apidTimeGate(a: AccessSpec, routesOfApid: ReadonlyMap<number, readonly string[]>): (apid: number, unixMs: number) => boolean {
  const gate = routeTimeGate(a);
  if (a.all) return () => true;
  return (apid, unixMs) => (routesOfApid.get(apid) ?? []).some((r) => gate(r, unixMs));
}
