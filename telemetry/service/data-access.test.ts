/**
 * The per-packet access rule against auth.ts's per-product rule (mayRead with the packet's time as the stop): the
 * same answer for every role, granted and embargoed routes, and times on both sides of each embargo's end,
 * including month ends where adding months clamps the day.
 */
import { describe, expect, it } from 'vitest';
import { mayRead, type Principal } from './auth.js';
import { apidTimeGate, routeTimeGate, type AccessSpec } from './data-access.js';

const embargoes = new Map([['EVT', 6], ['DIAG', 1], ['LONG', 1200]]);
const spec = (who: Principal, now: number): AccessSpec => ({ all: who.role === 'operator', routes: who.role === 'co-investigator' ? [...who.routes] : [], embargoes: [...embargoes], nowUnixMs: now });
const whos: Principal[] = [
  { user: 'ops', role: 'operator', routes: new Set(), token: undefined },
  { user: 'a', role: 'co-investigator', routes: new Set(['HK', 'DIAG']), token: undefined },
  { user: 'p', role: 'public', routes: new Set(), token: undefined },
];

describe('routeTimeGate', () => {
  it('agrees with mayRead at and around every embargo end', () => {
    let checked = 0;
    for (const nowIso of ['2026-03-31T12:00:00.000Z', '2026-08-31T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2025-02-28T23:59:59.999Z']) {
      const now = Date.parse(nowIso);
      for (const who of whos) {
        const gate = routeTimeGate(spec(who, now));
        for (const route of ['HK', 'EVT', 'DIAG', 'LONG', 'SCI']) {
          // Times spread over the last 14 months, plus the exact instants around the cut-off.
          const times = Array.from({ length: 400 }, (_, k) => now - k * 1.1e9 - (k % 7) * 1);
          for (const months of [1, 6]) {
            const d = new Date(now); d.setUTCMonth(d.getUTCMonth() - months);
            for (const dt of [-2, -1, 0, 1, 2, 86_400_000, -86_400_000]) times.push(d.getTime() + dt);
          }
          for (const t of times) {
            expect(gate(route, t), `${who.role} ${route} ${new Date(t).toISOString()} at ${nowIso}`).toBe(mayRead(who, route, new Date(t).toISOString(), embargoes, now));
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(20_000);
  });
  it('apidTimeGate: a sample is readable through any route of its APID; an APID in no route only by operators', () => {
    const routes = new Map([[1, ['SCI', 'HK']], [2, ['SCI']]]);
    const now = Date.parse('2026-01-01T00:00:00Z');
    const coi = apidTimeGate(spec(whos[1]!, now), routes);
    expect([coi(1, now), coi(2, now), coi(3, now)]).toEqual([true, false, false]);
    expect(apidTimeGate(spec(whos[0]!, now), routes)(3, now)).toBe(true);
  });
});
