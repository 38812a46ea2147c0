/**
 * @module Plan generation: each request, in priority order (lower number first, ties by id: deterministic
 * whatever the file order), is placed at the start of the first window where all its geometry and time
 * constraints hold for its whole duration and that collides with no request already placed (keeping
 * `gapS` free between requests and `marginS` inside window edges); its sequence is then expanded into timed
 * commands (telecommand's `expandSequence`), each carrying the request id and constraints so validation can
 * re-check them at execution time. A request that cannot be placed is reported with the reason.
 */
import { InputError } from '../../src/errors.js';
import type { JsonValue, TcDatabase } from '../../src/mdb/commands/types.js';
import { findCommand, findSequence } from '../../src/mdb/commands/lookup.js';
import { expandSequence } from '../../src/mdb/commands/sequence.js';
import { resolveValues, type UserValue } from '../../src/mdb/commands/parameter-values.js';
import { isoUtc } from '../ephemeris/epoch.js';
import { andWindows, minusWindows, normalizeWindows, totalDuration, type Windows } from '../events/windows.js';
import type { Interval, UnixMs } from '../geometry/types.js';
import type { Plan, PlanCommand, Unplaced } from '../plan/types.js';
import { DEFAULT_INSTRUMENT } from '../plan/load.js';
import { constraintParts, unknownStations, type PlanGeometry } from '../requests/constraints.js';
import type { ObservationRequest, RequestsFile } from '../requests/types.js';

/** Where a request was placed. */
export interface Placement {
  readonly request: string;
  readonly start: UnixMs;
  readonly end: UnixMs;
  /** Indices of its commands in the plan. */
  readonly commands: readonly number[];
}

/** Inputs of {@link generatePlan}. */
export interface GenerateInput {
  readonly db: TcDatabase;
  readonly requests: RequestsFile;
  /** Geometry over the planning range, prepared with the atoms of every request (see `atomsOf`). */
  readonly geometry: PlanGeometry;
  /** The planning range = the plan's validity. */
  readonly range: Interval;
  readonly name: string;
  readonly uplink?: { readonly t: UnixMs; readonly latencyS: number };
  readonly initialMode?: string;
}

export interface GenerateResult {
  readonly plan: Plan;
  readonly placements: readonly Placement[];
  readonly unplaced: readonly Unplaced[];
}

/** Requests in placement order. */
export const placementOrder = (rs: readonly ObservationRequest[]): ObservationRequest[] =>
  [...rs].sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

/** Duration of a request, ms: given, or the last step's offset plus its execution duration. */
function durationMs(db: TcDatabase, r: ObservationRequest): number | undefined {
  if (r.durationS !== undefined) return r.durationS * 1000;
  const seq = findSequence(db, r.sequence);
  if (seq) {
    let end = 0;
    for (const st of seq.steps) end = Math.max(end, st.offsetS + (db.commands.find((c) => c.name === st.command)?.executionDurationS ?? 0));
    return end * 1000;
  }
  const cmd = findCommand(db, r.sequence);
  return cmd ? Math.max(1, cmd.executionDurationS ?? 0) * 1000 : undefined;
}

const jsonValue = (v: UserValue): JsonValue =>
  v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;

/**
 * Place every request and expand it.
 * @throws InputError when a request names a station that no file or option declares (a planning input error).
 */
export function generatePlan(input: GenerateInput): GenerateResult {
  const { db, requests, geometry, range } = input;
  const missing = requests.requests.flatMap((r) => unknownStations(r.constraints, geometry.stations).map((n) => ({ r, n })));
  if (missing.length) {
    throw new InputError(`${requests.file}: unknown station${missing.length > 1 ? 's' : ''} in requests`, missing.map(({ r, n }) => ({
      code: 'unknown-station', path: `${requests.file}#/requests/${r.index}/constraints/stationVisible`,
      message: `request ${r.id}: no station ${n} (declare it in "stations" or with --station NAME:LAT:LON:ALT_M:MASK_DEG)`,
    })));
  }
  const gap = requests.gapS * 1000;
  const margin = requests.marginS * 1000;
  let occupied: Interval[] = [];
  const placements: Placement[] = [];
  const unplaced: Unplaced[] = [];
  const commands: Omit<PlanCommand, 'index'>[] = [];
  for (const r of placementOrder(requests.requests)) {
    const fail = (reason: string) => unplaced.push({ request: r.id, reason });
    const dur = durationMs(db, r);
    const seq = findSequence(db, r.sequence);
    const single = seq ? undefined : findCommand(db, r.sequence);
    if (dur === undefined || (!seq && !single)) { fail(`no sequence or command ${r.sequence} in the telecommand database`); continue; }
    // Check the values once, at a dummy time, so a bad request is reported as such and not as "no window".
    const trial = seq ? expandSequence(db, seq.name, r.parameters ?? {}, 0) : resolveValues(single!, r.parameters ?? {});
    if (!trial.ok) { fail(`parameters: ${trial.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`); continue; }

    const time: Interval = { start: Math.max(range.start, r.allowed.start), end: Math.min(range.end, r.allowed.end) };
    if (!(time.end > time.start)) { fail(`its time constraints leave nothing inside the planning range ${isoUtc(range.start)}..${isoUtc(range.end)}`); continue; }
    let allowed: Windows = andWindows(geometry.covered, [time]);
    if (!allowed.length) { fail(`no ephemeris between ${isoUtc(time.start)} and ${isoUtc(time.end)}`); continue; }
    let emptiedBy: string | undefined;
    for (const p of constraintParts(geometry, r.constraints)) {
      allowed = andWindows(allowed, p.windows);
      if (!allowed.length) { emptiedBy = p.label; break; }
    }
    if (emptiedBy !== undefined) {
      fail(`no time in ${isoUtc(time.start)}..${isoUtc(time.end)} is also ${emptiedBy} (with the constraints before it)`);
      continue;
    }
    const need = dur + 2 * margin;
    const long = allowed.filter((w) => w.end - w.start >= need);
    if (!long.length) {
      const longest = Math.max(...allowed.map((w) => w.end - w.start));
      fail(`${allowed.length} windows meet its constraints (${s(totalDuration(allowed))} in all) but the longest is ${s(longest)}, shorter than its ${s(dur)} (+ ${s(2 * margin)} margin)`);
      continue;
    }
    const free = minusWindows(long, normalizeWindows(occupied.map((o) => ({ start: o.start - gap, end: o.end + gap }))));
    let start: number | undefined;
    for (const w of free) {
      const t = Math.ceil((w.start + margin) / 1000) * 1000;
      if (t + dur + margin <= w.end) { start = t; break; }
    }
    if (start === undefined) {
      const blockers = placements.filter((p) => long.some((w) => p.start - gap < w.end && p.end + gap > w.start)).map((p) => p.request);
      fail(`every window meeting its constraints collides with requests placed before it (${blockers.join(', ')})`);
      continue;
    }
    const expanded = seq
      ? expandSequence(db, seq.name, r.parameters ?? {}, start)
      : { ok: true as const, value: [{ step: 0, releaseUnixMs: start, command: single!, values: r.parameters ?? {} }] };
    if (!expanded.ok) { fail(expanded.problems.map((p) => p.message).join('; ')); continue; }
    const first = commands.length;
    for (const c of expanded.value) {
      const parameters: Record<string, JsonValue> = {};
      for (const [k, v] of Object.entries(c.values)) parameters[k] = jsonValue(v);
      commands.push({
        t: c.releaseUnixMs, command: c.command.name, parameters, request: r.id,
        ...(r.constraints !== undefined ? { constraints: r.constraints } : {}),
      });
    }
    occupied.push({ start, end: start + dur });
    occupied = normalizeWindows(occupied) as Interval[];
    placements.push({ request: r.id, start, end: start + dur, commands: Array.from({ length: commands.length - first }, (_, i) => first + i) });
  }
  // Commands in time order (stable: a request's own order is kept on equal times).
  const order = commands.map((c, i) => ({ c, i })).sort((a, b) => a.c.t - b.c.t || a.i - b.i);
  const newIndex = new Map(order.map((o, k) => [o.i, k]));
  const plan: Plan = {
    file: '<generated>', name: input.name, instrument: requests.instrument ?? DEFAULT_INSTRUMENT,
    validity: range, ...(input.uplink ? { uplink: input.uplink } : {}),
    ...(input.initialMode !== undefined ? { initialMode: input.initialMode } : {}),
    stations: geometry.stations,
    commands: order.map((o, k) => ({ ...o.c, index: k })),
    unplaced,
  };
  return {
    plan,
    placements: placements.map((p) => ({ ...p, commands: p.commands.map((i) => newIndex.get(i)!) })),
    unplaced,
  };
}
