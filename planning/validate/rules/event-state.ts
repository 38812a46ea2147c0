/**
 * @module Rule kind `event-state`: a state switched on and off by commands must be off (or on) at every
 * orbit event of the given kinds, `marginS` ahead of it; e.g. high voltage off before every eclipse entry.
 * Events come from the geometry scanned once per validation: umbra entry/exit (the umbra condition),
 * penumbra entry/exit (the sunlit condition), AOS/LOS of the given stations. Only events inside the plan's
 * validity are checked.
 */
import { isoUtc } from '../../ephemeris/epoch.js';
import type { UnixMs } from '../../geometry/types.js';
import { MATCH_SCHEMA, matchText, matches, type CommandMatch } from '../_match.js';
import { defineRule } from '../rule.js';

/** The events this rule can check. */
export const STATE_EVENTS = ['umbra-entry', 'umbra-exit', 'penumbra-entry', 'penumbra-exit', 'aos', 'los'] as const;
export type StateEvent = (typeof STATE_EVENTS)[number];

export interface EventStateOptions {
  /** Name of the state in messages, e.g. "high voltage". */
  readonly state: string;
  readonly on: CommandMatch;
  readonly off: CommandMatch;
  readonly events: readonly StateEvent[];
  /** The state required at the events. Default `off`. */
  readonly mustBe?: 'on' | 'off';
  /** How long before each event the state must already be as required, s. Default 0. */
  readonly marginS?: number;
  /** Stations for aos/los. Default all known. */
  readonly stations?: readonly string[];
  /** State at the plan start. Default `off`. */
  readonly initial?: 'on' | 'off';
}

const atomOf = (e: StateEvent, station?: string): string =>
  e.startsWith('umbra') ? 'umbra' : e.startsWith('penumbra') ? 'sunlit' : `visible:${station}`;
/** Whether the event is a rising crossing of its atom's condition. */
const risingOf = (e: StateEvent): boolean => e === 'umbra-entry' || e === 'penumbra-exit' || e === 'aos';

export default defineRule<EventStateOptions>({
  kind: 'event-state',
  description: 'A commanded state (e.g. high voltage) is off (or on) a margin before every eclipse entry, AOS, LOS… event.',
  messages: {
    wrongState: '{{state}} is {{actual}} at the {{event}} at {{eventTime}} (switched {{actual}} by command {{index}} at {{time}}); it must be {{mustBe}} {{margin}}',
    noEphemeris: 'no ephemeris: events cannot be checked',
  },
  optionsSchema: {
    type: 'object', additionalProperties: false, required: ['state', 'on', 'off', 'events'],
    properties: {
      state: { type: 'string', description: 'Name of the state in messages, e.g. "high voltage".' },
      on: { ...MATCH_SCHEMA, description: 'Command that switches the state on.' },
      off: { ...MATCH_SCHEMA, description: 'Command that switches the state off.' },
      events: { type: 'array', minItems: 1, items: { enum: [...STATE_EVENTS] }, description: 'Event kinds at which the state is checked.' },
      mustBe: { enum: ['on', 'off'], description: 'Required state at the events. Default off.' },
      marginS: { type: 'number', minimum: 0, description: 'How long before each event the state must already be as required, s. Default 0.' },
      stations: { type: 'array', items: { type: 'string' }, description: 'Stations for aos/los. Default all known.' },
      initial: { enum: ['on', 'off'], description: 'State at the plan start. Default off.' },
    },
  },
  atoms(o, { stations }) {
    const out: string[] = [];
    for (const e of o.events) {
      if (e === 'aos' || e === 'los') for (const s of o.stations ?? stations) out.push(atomOf(e, s));
      else out.push(atomOf(e));
    }
    return out;
  },
  check(ctx, o) {
    const geo = ctx.geometry;
    if (!geo) { ctx.report({ messageId: 'noEphemeris' }); return; }
    const mustBe = o.mustBe ?? 'off';
    const margin = (o.marginS ?? 0) * 1000;
    // State changes in time order.
    const changes: { t: UnixMs; on: boolean; index: number }[] = [];
    for (const i of ctx.timeOrder) {
      const c = ctx.commands[i]!;
      if (matches(o.on, c)) changes.push({ t: c.t, on: true, index: c.index });
      else if (matches(o.off, c)) changes.push({ t: c.t, on: false, index: c.index });
    }
    const lastAtOrBefore = (t: UnixMs): number => {
      let lo = 0;
      let hi = changes.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (changes[mid]!.t <= t) lo = mid + 1; else hi = mid; }
      return lo - 1;
    };
    const events: { t: UnixMs; name: string }[] = [];
    const stationList = o.stations ?? geo.stations.map((s) => s.name);
    for (const e of o.events) {
      const atoms = e === 'aos' || e === 'los' ? stationList.map((s) => ({ atom: atomOf(e, s), name: `${e.toUpperCase()} ${s}` })) : [{ atom: atomOf(e), name: e.replace('-', ' ') }];
      for (const a of atoms) {
        for (const z of geo.crossings(a.atom)) {
          if (z.rising === risingOf(e) && z.t >= ctx.plan.validity.start && z.t <= ctx.plan.validity.end) events.push({ t: z.t, name: a.name });
        }
      }
    }
    events.sort((a, b) => a.t - b.t);
    const wantOn = mustBe === 'on';
    const initialOn = (o.initial ?? 'off') === 'on';
    for (const ev of events) {
      // The state over [event − margin, event]: at its start, and any change inside it.
      const k0 = lastAtOrBefore(ev.t - margin);
      const k1 = lastAtOrBefore(ev.t);
      let bad: number | undefined;
      const onAt0 = k0 >= 0 ? changes[k0]!.on : initialOn;
      if (onAt0 !== wantOn) bad = k0;
      for (let k = k0 + 1; k <= k1 && bad === undefined; k++) if (changes[k]!.on !== wantOn) bad = k;
      if (bad === undefined) continue;
      const ch = bad >= 0 ? changes[bad] : undefined;
      ctx.report({
        messageId: 'wrongState', index: ch?.index, t: ev.t,
        data: {
          state: o.state, actual: wantOn ? 'off' : 'on', event: ev.name, eventTime: isoUtc(ev.t),
          index: ch ? ch.index : '(initial state)', time: ch ? isoUtc(ch.t) : isoUtc(ctx.plan.validity.start), mustBe,
          margin: margin ? `${margin / 1000} s before it (switch with ${matchText(wantOn ? o.on : o.off)})` : `(switch with ${matchText(wantOn ? o.on : o.off)})`,
        },
      });
    }
  },
});
