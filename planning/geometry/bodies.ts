/**
 * @module The central bodies idoc plans around: NAIF ids (NAIF "NAIF IDs Required Reading"), reference
 * ellipsoids and IAU rotation models from the WGCCRE 2015 report (Archinal et al. 2018; radii: table 4 for the
 * Sun and planets, table 5 for satellites; rotation: tables 1 and 2, the same values as NAIF's pck00011.tpc).
 * The Earth keeps idoc's own WGS-84 / GMST model (geometry/frames.ts) and is not listed here.
 * Moons are spheres of their mean radius (the Galilean moons' triaxial shapes differ by < 0.7 %).
 */
import type { PeriodicTerm, RotationModel } from './iau-rotation.js';

/** A body other than the Earth. */
export interface BodyModel {
  /** Upper-case name, as in OEM CENTER_NAME. */
  readonly name: string;
  readonly naifId: number;
  /** SPK ids to try for its centre, in order (the planet, then its system barycentre when the kernel lacks it). */
  readonly spkIds: readonly number[];
  /** Equatorial and polar radii, km. */
  readonly radiiKm: readonly [number, number];
  readonly rotation: RotationModel;
  /** Bodies (by name) that can eclipse a spacecraft orbiting this one, when a kernel gives their positions. */
  readonly occulters: readonly string[];
}

const t = (amp: number, phase: number, rate: number): PeriodicTerm => ({ amp, phase, rate });

// The Moon: angles E1…E13 (deg, deg/century), table 2 of the report.
const E = [
  [125.045, -1935.5364525], [250.089, -3871.072905], [260.008, 475263.3328725], [176.625, 487269.629985],
  [357.529, 35999.0509575], [311.589, 964468.49931], [134.963, 477198.869325], [276.617, 12006.300765],
  [34.226, 63863.5132425], [15.134, -5806.6093575], [119.743, 131.84064], [239.961, 6003.1503825], [25.053, 473327.79642],
] as const;
const moonTerms = (amps: readonly number[]) => amps.map((a, i) => t(a, E[i]![0], E[i]![1])).filter((x) => x.amp !== 0);

// Jupiter system: J3…J8 for the Galilean moons (table 2), Ja…Je for Jupiter itself (table 1).
const J = { 3: [283.9, 4850.7], 4: [355.8, 1191.3], 5: [119.9, 262.1], 6: [229.8, 64.3], 7: [352.25, 2382.6], 8: [113.35, 6070.0] } as const;
const j = (amp: number, k: keyof typeof J) => t(amp, J[k][0], J[k][1]);
const JA = [[99.360714, 4850.4046], [175.895369, 1191.9605], [300.323162, 262.5475], [114.012305, 6070.2476], [49.511251, 64.3]] as const;
const ja = (amps: readonly number[]) => amps.map((a, i) => t(a, JA[i]![0], JA[i]![1]));

const GALILEAN = ['IO', 'EUROPA', 'GANYMEDE', 'CALLISTO'];

/** Every body idoc knows besides the Earth. */
export const BODIES: readonly BodyModel[] = [
  {
    name: 'SUN', naifId: 10, spkIds: [10], radiiKm: [695700, 695700], occulters: [],
    rotation: { ra: [286.13, 0], dec: [63.87, 0], pm: [84.176, 14.1844, 0] },
  },
  {
    name: 'MOON', naifId: 301, spkIds: [301], radiiKm: [1737.4, 1737.4], occulters: ['EARTH'],
    rotation: {
      ra: [269.9949, 0.0031], dec: [66.5392, 0.013], pm: [38.3213, 13.17635815, -1.4e-12],
      raTerms: moonTerms([-3.8787, -0.1204, 0.07, -0.0172, 0, 0.0072, 0, 0, 0, -0.0052, 0, 0, 0.0043]),
      decTerms: moonTerms([1.5419, 0.0239, -0.0278, 0.0068, 0, -0.0029, 0.0009, 0, 0, 0.0008, 0, 0, -0.0009]),
      pmTerms: moonTerms([3.561, 0.1208, -0.0642, 0.0158, 0.0252, -0.0066, -0.0047, -0.0046, 0.0028, 0.0052, 0.004, 0.0019, -0.0044]),
    },
  },
  {
    name: 'MARS', naifId: 499, spkIds: [499, 4], radiiKm: [3396.19, 3376.2], occulters: ['PHOBOS', 'DEIMOS'],
    rotation: {
      ra: [317.269202, -0.10927547], dec: [54.432516, -0.05827105], pm: [176.049863, 350.891982443297, 0],
      raTerms: [t(0.000068, 198.991226, 19139.4819985), t(0.000238, 226.292679, 38280.8511281), t(0.000052, 249.663391, 57420.7251593), t(0.000009, 266.18351, 76560.636795), t(0.419057, 79.398797, 0.5042615)],
      decTerms: [t(0.000051, 122.433576, 19139.9407476), t(0.000141, 43.058401, 38280.8753272), t(0.000031, 57.663379, 57420.7517205), t(0.000005, 79.476401, 76560.6495004), t(1.591274, 166.325722, 0.5042615)],
      pmTerms: [t(0.000145, 129.071773, 19140.0328244), t(0.000157, 36.352167, 38281.0473591), t(0.00004, 56.668646, 57420.929536), t(0.000001, 67.364003, 76560.2552215), t(0.000001, 104.79268, 95700.4387578), t(0.584542, 95.391654, 0.5042615)],
    },
  },
  {
    name: 'JUPITER', naifId: 599, spkIds: [599, 5], radiiKm: [71492, 66854], occulters: GALILEAN,
    rotation: {
      ra: [268.056595, -0.006499], dec: [64.495303, 0.002413], pm: [284.95, 870.536, 0],
      raTerms: ja([0.000117, 0.000938, 0.001432, 0.00003, 0.00215]),
      decTerms: ja([0.00005, 0.000404, 0.000617, -0.000013, 0.000926]),
    },
  },
  {
    name: 'IO', naifId: 501, spkIds: [501], radiiKm: [1821.49, 1821.49], occulters: ['JUPITER', 'EUROPA', 'GANYMEDE', 'CALLISTO'],
    rotation: { ra: [268.05, -0.009], dec: [64.5, 0.003], pm: [200.39, 203.4889538, 0], raTerms: [j(0.094, 3), j(0.024, 4)], decTerms: [j(0.04, 3), j(0.011, 4)], pmTerms: [j(-0.085, 3), j(-0.022, 4)] },
  },
  {
    name: 'EUROPA', naifId: 502, spkIds: [502], radiiKm: [1560.8, 1560.8], occulters: ['JUPITER', 'IO', 'GANYMEDE', 'CALLISTO'],
    rotation: { ra: [268.08, -0.009], dec: [64.51, 0.003], pm: [36.022, 101.3747235, 0], raTerms: [j(1.086, 4), j(0.06, 5), j(0.015, 6), j(0.009, 7)], decTerms: [j(0.468, 4), j(0.026, 5), j(0.007, 6), j(0.002, 7)], pmTerms: [j(-0.98, 4), j(-0.054, 5), j(-0.014, 6), j(-0.008, 7)] },
  },
  {
    name: 'GANYMEDE', naifId: 503, spkIds: [503], radiiKm: [2631.2, 2631.2], occulters: ['JUPITER', 'IO', 'EUROPA', 'CALLISTO'],
    rotation: { ra: [268.2, -0.009], dec: [64.57, 0.003], pm: [44.064, 50.3176081, 0], raTerms: [j(-0.037, 4), j(0.431, 5), j(0.091, 6)], decTerms: [j(-0.016, 4), j(0.186, 5), j(0.039, 6)], pmTerms: [j(0.033, 4), j(-0.389, 5), j(-0.082, 6)] },
  },
  {
    name: 'CALLISTO', naifId: 504, spkIds: [504], radiiKm: [2410.3, 2410.3], occulters: ['JUPITER', 'IO', 'EUROPA', 'GANYMEDE'],
    rotation: { ra: [268.72, -0.009], dec: [64.83, 0.003], pm: [259.51, 21.5710715, 0], raTerms: [j(-0.068, 5), j(0.59, 6), j(0.01, 8)], decTerms: [j(-0.029, 5), j(0.254, 6), j(-0.004, 8)], pmTerms: [j(0.061, 5), j(-0.533, 6), j(-0.009, 8)] },
  },
];

/** Radii (km) of bodies that only occult (no rotation model needed): mean radii, WGCCRE 2015 table 5. */
export const OCCULTER_RADII_KM: Readonly<Record<string, { readonly naifId: number; readonly radiusKm: number }>> = {
  EARTH: { naifId: 399, radiusKm: 6378.137 },
  PHOBOS: { naifId: 401, radiusKm: 11.08 },
  DEIMOS: { naifId: 402, radiusKm: 6.2 },
  JUPITER: { naifId: 599, radiusKm: 71492 },
  IO: { naifId: 501, radiusKm: 1821.49 },
  EUROPA: { naifId: 502, radiusKm: 1560.8 },
  GANYMEDE: { naifId: 503, radiusKm: 2631.2 },
  CALLISTO: { naifId: 504, radiusKm: 2410.3 },
};

/**
 * The body an OEM CENTER_NAME (or a NAIF id) names: `MARS`, `MARS BARYCENTER`, `JUPITER`, `IO`, `MOON`, `SUN`,
 * `499`…; `EARTH` (and anything unknown) gives undefined. A barycentre is taken as its planet (Mars: < 0.2 km
 * apart; Jupiter: < 230 km).
 */
export function bodyByName(name: string): BodyModel | undefined {
  const n = name.trim().toUpperCase().replace(/[_\s]+/g, ' ').replace(/ BARYCENT(ER|RE)$/, '');
  const id = Number(n);
  if (n !== '' && Number.isInteger(id)) return BODIES.find((b) => b.spkIds.includes(id) || b.naifId === id);
  return BODIES.find((b) => b.name === n || (n === 'LUNA' && b.name === 'MOON'));
}
