/**
 * @module A central body other than the Earth, ready for geometry: its IAU body-fixed frame (iau-rotation.ts),
 * its ellipsoid, the Sun's position relative to it and the bodies that can eclipse a spacecraft around it, the
 * last two from loaded SPK kernels (J2000 taken as ICRF; geometric positions, no light time). A spacecraft state
 * relative to the body (OEM EME2000/ICRF/GCRF, SPK J2000) is rotated into the body-fixed frame for latitude,
 * longitude, altitude, local time and illumination.
 */
import { InputError } from '../../src/errors.js';
import { utcToEt } from '../ephemeris/spk/et.js';
import type { SpkSet } from '../ephemeris/spk/spk-set.js';
import type { M3, V3 } from './_vec.js';
import { BODIES, OCCULTER_RADII_KM, bodyByName, type BodyModel } from './bodies.js';
import { ellipsoidOf, type Ellipsoid } from './ellipsoid.js';
import { bodyFixedMatrix, orientation } from './iau-rotation.js';
import type { UnixMs } from './types.js';
import type { Ephemeris } from '../ephemeris/types.js';

/** A body that may hide the Sun. */
export interface Occulter {
  readonly name: string;
  readonly radiusKm: number;
  /** Its centre relative to the central body, ICRF km; undefined when the kernels do not cover `t`. */
  positionAt(t: UnixMs): V3 | undefined;
}

/** A non-Earth central body (see the module comment). */
export interface CentralBody {
  readonly name: string;
  readonly naifId: number;
  /** Name of its body-fixed frame, e.g. `IAU_MARS`. */
  readonly fixedFrame: string;
  readonly ellipsoid: Ellipsoid;
  /** Radius of the shadow-casting sphere, km (the equatorial radius). */
  readonly shadowRadiusKm: number;
  /** e.g. `IAU 2015 Mars 3396.19 × 3376.20 km`. */
  readonly ellipsoidLabel: string;
  /** ICRF → body-fixed rotation at `t` and the spin rate (rad/s) about the body's z axis. */
  fixedAt(t: UnixMs): { readonly m: M3; readonly spinRadS: number };
  /** The Sun's centre relative to the body's, ICRF km; undefined for the Sun itself. */
  sunAt(t: UnixMs): V3 | undefined;
  /** Other bodies that can eclipse a spacecraft here, among those the kernels give. */
  readonly occulters: readonly Occulter[];
}

/** The SPK id that gives `body` over `et` (planet, else its barycentre), or undefined. */
function spkIdOf(spk: SpkSet, ids: readonly number[], observer: number, et: number): number | undefined {
  return ids.find((id) => spk.covers(id, observer, et));
}

/**
 * Build a central body by name (OEM CENTER_NAME or NAIF id) with its positions from `spk`, checked at `probe`.
 * @throws InputError when the name is not a body idoc knows, or the kernels do not give the body and the Sun.
 */
export function centralBody(name: string, spk: SpkSet, probe: UnixMs): CentralBody {
  const model: BodyModel | undefined = bodyByName(name);
  if (!model) throw new InputError(`central body "${name}": not one idoc has a model for (${['EARTH', ...BODIES.map((b) => b.name)].join(', ')})`);
  const et0 = utcToEt(probe);
  const selfId = model.naifId === 10 ? 10 : spkIdOf(spk, model.spkIds, 10, et0);
  if (selfId === undefined) {
    throw new InputError(`central body ${model.name}: the SPK kernels give neither ${model.spkIds.join(' nor ')} relative to the Sun at ${new Date(probe).toISOString()} (kernels: ${spk.kernels.map((k) => k.file).join(', ') || 'none'})`);
  }
  const buf = new Float64Array(6);
  const occulters: Occulter[] = [];
  const has = (id: number) => spk.kernels.some((k) => k.segments.some((sg) => sg.target === id));
  for (const o of model.occulters) {
    const info = OCCULTER_RADII_KM[o];
    if (!info) continue;
    const ids = o === 'JUPITER' ? [599, 5] : [info.naifId];
    const id = ids.find(has);
    if (id === undefined) continue;
    occulters.push({
      name: o, radiusKm: info.radiusKm,
      positionAt: (t) => {
        const et = etOf(t);
        if (!spk.covers(id, selfId, et)) return undefined;
        const s = spk.state(id, selfId, et, buf);
        return { x: s[0]!, y: s[1]!, z: s[2]! };
      },
    });
  }
  const [a, c] = model.radiiKm;
  const sunBuf = new Float64Array(6);
  // A sample asks for the frame and the Sun at the same instant: convert it to ET once.
  let lastT = NaN, lastEt = NaN;
  const etOf = (t: UnixMs): number => (t === lastT ? lastEt : (lastEt = utcToEt((lastT = t))));
  return {
    name: model.name,
    naifId: model.naifId,
    fixedFrame: `IAU_${model.name}`,
    ellipsoid: ellipsoidOf(a, c),
    shadowRadiusKm: a,
    ellipsoidLabel: a === c ? `IAU 2015 sphere ${a} km` : `IAU 2015 ${a.toFixed(2)} × ${c.toFixed(2)} km`,
    fixedAt(t) {
      const o = orientation(model.rotation, etOf(t));
      return { m: bodyFixedMatrix(o), spinRadS: o.spinRadS };
    },
    sunAt(t) {
      if (model.naifId === 10) return undefined;
      const s = spk.state(10, selfId, etOf(t), sunBuf);
      return { x: s[0]!, y: s[1]!, z: s[2]! };
    },
    occulters,
  };
}

/**
 * The ephemeris with its central body attached when its centre (OEM CENTER_NAME, SPK centre) is not the
 * Earth; unchanged around the Earth.
 * @throws InputError when the centre is unknown or `spk` is missing or lacks the body or the Sun.
 */
export function withCentralBody(ephem: Ephemeris, spk: SpkSet | undefined): Ephemeris {
  const name = ephem.centerName;
  if (name === undefined || /^(EARTH|399)$/i.test(name.trim())) return ephem;
  if (!spk) throw new InputError(`${ephem.source}: centre ${name}: the Sun's position around it comes from JPL SPK kernels; give them with --spk (e.g. de440s.bsp)`);
  return { ...ephem, centralBody: centralBody(name, spk, ephem.coverage[0]?.start ?? 0) };
}

/**
 * The ephemeris with its centre named `name` (`--center`, config `ephemeris.centralBody`): for a file that
 * names its centre otherwise or not at all. Only the name changes; the states are not translated.
 * @throws InputError for a TLE (always relative to the Earth) given another centre, or a name idoc has no model for.
 */
export function withCenterName(ephem: Ephemeris, name: string): Ephemeris {
  const earth = /^(EARTH|399)$/i.test(name.trim());
  if (!earth && !bodyByName(name)) {
    throw new InputError(`central body "${name}": not one idoc has a model for (${['EARTH', ...BODIES.map((b) => b.name)].join(', ')})`);
  }
  if (ephem.kind === 'tle' && !earth) throw new InputError(`${ephem.source}: a TLE is relative to the Earth; central body ${name} does not apply`);
  const { centralBody: _attached, ...rest } = ephem; // attached again by withCentralBody for the new centre
  return { ...rest, centerName: earth ? 'EARTH' : name.trim().toUpperCase() };
}
