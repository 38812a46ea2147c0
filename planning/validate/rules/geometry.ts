/**
 * @module Rule kind `geometry`: each command's geometry constraints (those it carries in the plan, from its
 * request, plus any this rule adds per command name) re-checked against the ephemeris at its execution time
 * (formats.md §6.6 "geometry windows"). The windows are those scanned once per validation; a command is
 * only sampled again to word the message when it fails.
 */
import { atomsOf, constraintFailures, constraintParts, unknownStations, type ConstraintPart } from '../../requests/constraints.js';
import type { GeometryConstraints } from '../../requests/types.js';
import { inWindows } from '../../events/windows.js';
import { defineRule } from '../rule.js';

export interface GeometryOptions {
  /** Constraints added per command name, e.g. `{ "HV_ON": { "eclipse": false } }`. */
  readonly commands?: Readonly<Record<string, GeometryConstraints>>;
}

/** The constraints schema of the requests file (one definition for requests, plans and this rule). */
const constraintsSchema = { $ref: 'https://idoc.example/schemas/requests.schema.json#/definitions/constraints' };

/** A command's constraints: those it carries, then those the rule adds for its name. */
export const mergeConstraints = (a: GeometryConstraints | undefined, b: GeometryConstraints | undefined): GeometryConstraints | undefined =>
  a && b ? { ...a, ...b } : (a ?? b);
const merge = mergeConstraints;

export default defineRule<GeometryOptions>({
  kind: 'geometry',
  description: "Each command's geometry constraints hold at its execution time.",
  messages: {
    constraint: '{{command}} at {{time}} {{failure}}',
    unknownStation: '{{command}} refers to station {{station}}, which the plan, the rules and --station do not declare',
    noEphemeris: '{{command}} has geometry constraints but no ephemeris was given',
  },
  optionsSchema: {
    type: 'object', additionalProperties: false,
    properties: {
      commands: { type: 'object', description: 'Constraints added per command name.', additionalProperties: constraintsSchema },
    },
  },
  atoms(o, { plan, stations }) {
    const out = new Set<string>();
    const all = [...stations];
    // Station objects are not known here; atomsOf only needs names.
    const named = (c: GeometryConstraints | undefined) => atomsOf(c, (c?.stationVisible === 'any' ? all : (c?.stationVisible ?? [])).map((name) => ({ name, latDeg: 0, lonDeg: 0, altM: 0, maskDeg: 0 })));
    // Plans repeat a few constraint sets many times: derive the atoms of each distinct one once.
    const seen = new Set<string>();
    for (const c of plan.commands) {
      const cons = merge(c.constraints, o.commands?.[c.command]);
      if (!cons) continue;
      const key = JSON.stringify(cons);
      if (seen.has(key)) continue;
      seen.add(key);
      for (const a of named(cons)) out.add(a);
    }
    return [...out];
  },
  check(ctx, o) {
    const geo = ctx.geometry;
    const cache = new Map<string, ConstraintPart[]>();
    for (const c of ctx.commands) {
      const cons = merge(c.constraints, o.commands?.[c.command]);
      if (!cons || Object.keys(cons).length === 0) continue;
      if (!geo) { ctx.report({ messageId: 'noEphemeris', index: c.index, data: { command: c.command } }); continue; }
      const unknown = unknownStations(cons, geo.stations);
      for (const station of unknown) ctx.report({ messageId: 'unknownStation', index: c.index, data: { command: c.command, station } });
      if (unknown.length) continue;
      const key = JSON.stringify(cons);
      let parts = cache.get(key);
      if (!parts) { parts = constraintParts(geo, cons); cache.set(key, parts); }
      const ok = parts.every((p) => inWindows(p.windows, c.t)) && inWindows(geo.covered, c.t);
      if (ok) continue;
      const failures = constraintFailures(geo, cons, c.t, parts);
      for (const failure of failures.length ? failures : [`is outside the ephemeris coverage`]) {
        ctx.report({ messageId: 'constraint', index: c.index, data: { command: c.command, time: new Date(c.t).toISOString(), failure } });
      }
    }
  },
});
