/**
 * @module A set of loaded SPK kernels, answering "where is body A relative to body B at ET" by chaining
 * segments through their centres up to the solar-system barycentre (0), as the SPK subsystem does (SPK
 * Required Reading, "SPK Data: Chaining"; e.g. Mars barycentre → SSB ← EMB ← Earth). Priority: a later-loaded
 * kernel wins over an earlier one, and within a file a later segment over an earlier one.
 * A planet's centre (id N99) that no loaded kernel gives is taken at its system barycentre (id N), as the
 * DE440s kernel has only barycentres for Mars to Pluto: Mars's centre is within 0.2 km of its barycentre, Jupiter's
 * within 230 km (load a satellite kernel such as jup365 for better). The Earth (399) and the Moon are in DE440s.
 * States are geometric (no light time, no aberration), in J2000 (ICRF-aligned), km and km/s.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../../src/errors.js';
import { etToUtc } from './et.js';
import { readSpk, type SpkKernel, type SpkSegment } from './spk.js';
import { isoUtc } from '../epoch.js';

/** Loaded kernels and the chaining over them. */
export interface SpkSet {
  readonly kernels: readonly SpkKernel[];
  /** True when a chain of segments gives `target` relative to `observer` at `et`. */
  covers(target: number, observer: number, et: number): boolean;
  /**
   * State of `target` relative to `observer` at `et` (x, y, z km, vx, vy, vz km/s; J2000), into `out`.
   * @throws InputError naming the missing link (body, instant and the kernels loaded).
   */
  state(target: number, observer: number, et: number, out?: Float64Array): Float64Array;
}

/** A set over kernels already read. */
export function spkSet(kernels: readonly SpkKernel[]): SpkSet {
  // By body: its segments, highest priority first.
  const byBody = new Map<number, SpkSegment[]>();
  for (const k of kernels) for (const s of k.segments) {
    const list = byBody.get(s.target) ?? [];
    list.unshift(s);
    byBody.set(s.target, list);
  }
  // The segment found last for each body: consecutive requests (an event search) fall in the same one. It is
  // reused only while no higher-priority segment covers et (the list is searched again from its head otherwise).
  const lastHit = new Map<number, { seg: SpkSegment; index: number }>();
  const find = (body: number, et: number): SpkSegment | undefined => {
    const list = byBody.get(body);
    if (!list) return undefined;
    const hit = lastHit.get(body);
    if (hit && hit.index === 0 && et >= hit.seg.startEt && et <= hit.seg.endEt) return hit.seg;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (et >= s.startEt && et <= s.endEt) { lastHit.set(body, { seg: s, index: i }); return s; }
    }
    return undefined;
  };
  const tmp = new Float64Array(6);
  const acc = new Float64Array(6);
  /** State of `body` relative to the SSB into `out`; false when a link is missing (`missing[0]` names it). */
  const fromSsb = (body: number, et: number, out: Float64Array, missing: number[]): boolean => {
    out.fill(0);
    let b = body;
    for (let depth = 0; b !== 0; depth++) {
      if (depth > 20) { missing[0] = b; return false; }
      const s = find(b, et);
      if (!s) {
        if (b >= 199 && b <= 999 && b % 100 === 99 && b !== 399) { b = (b - 99) / 100; continue; }
        missing[0] = b;
        return false;
      }
      s.state(et, tmp);
      for (let i = 0; i < 6; i++) out[i]! += tmp[i]!;
      b = s.center;
    }
    return true;
  };
  const obs = new Float64Array(6);
  const missing = [0];
  const names = kernels.map((k) => k.file).join(', ') || 'none';
  return {
    kernels,
    covers(target, observer, et) {
      return (target === observer) || (fromSsb(target, et, acc, missing) && fromSsb(observer, et, obs, missing));
    },
    state(target, observer, et, out = new Float64Array(6)) {
      if (target === observer) { out.fill(0); return out; }
      if (!fromSsb(target, et, acc, missing) || !fromSsb(observer, et, obs, missing)) {
        throw new InputError(`no SPK segment gives body ${missing[0]} at ${isoUtc(etToUtc(et))} (needed for body ${target} relative to ${observer}); kernels loaded: ${names}`);
      }
      for (let i = 0; i < 6; i++) out[i] = acc[i]! - obs[i]!;
      return out;
    },
  };
}

/**
 * Read SPK kernels from files, in priority order (later wins).
 * @throws InputError naming the file for anything unusable.
 */
export async function loadSpkFiles(paths: readonly string[]): Promise<SpkSet> {
  const kernels: SpkKernel[] = [];
  for (const p of paths) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(p);
    } catch (e) {
      throw new InputError(`${p}: cannot read SPK kernel: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    kernels.push(readSpk(bytes, p));
  }
  return spkSet(kernels);
}
