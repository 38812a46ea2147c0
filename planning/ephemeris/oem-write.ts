/**
 * @module Write states as an OEM KVN (CCSDS 502.0-B-2 §5, version 2.0) or XML (505.0-B-2): used to turn an
 * SGP4 ephemeris into an OEM for tools that read only OEMs, and to make test fixtures.
 */
import type { StateVector } from '../geometry/types.js';
import { isoUtc } from './epoch.js';

/** One segment to write. Times of `states` are UTC; written with TIME_SYSTEM = UTC. */
export interface OemSegmentInput {
  readonly objectName: string;
  readonly objectId: string;
  /** REF_FRAME as written: EME2000, GCRF, TEME, ITRF… (must match the states' frame). */
  readonly refFrame: string;
  readonly states: readonly StateVector[];
  readonly interpolation?: { readonly method: 'LAGRANGE' | 'HERMITE' | 'LINEAR'; readonly degree: number };
  readonly useableStart?: number;
  readonly useableStop?: number;
}

const epoch = (t: number) => isoUtc(t).replace('Z', '');
const num = (v: number, d: number) => v.toFixed(d);

/** Format an OEM KVN, version 2.0. */
export function formatOemKvn(segments: readonly OemSegmentInput[], originator = 'IDOC', creation = Date.now()): string {
  const out = ['CCSDS_OEM_VERS = 2.0', `CREATION_DATE = ${epoch(creation)}`, `ORIGINATOR = ${originator}`, ''];
  for (const s of segments) {
    out.push('META_START', `OBJECT_NAME = ${s.objectName}`, `OBJECT_ID = ${s.objectId}`, 'CENTER_NAME = EARTH', `REF_FRAME = ${s.refFrame}`, 'TIME_SYSTEM = UTC',
      `START_TIME = ${epoch(s.states[0]!.t)}`);
    if (s.useableStart !== undefined) out.push(`USEABLE_START_TIME = ${epoch(s.useableStart)}`);
    if (s.useableStop !== undefined) out.push(`USEABLE_STOP_TIME = ${epoch(s.useableStop)}`);
    out.push(`STOP_TIME = ${epoch(s.states.at(-1)!.t)}`);
    if (s.interpolation) out.push(`INTERPOLATION = ${s.interpolation.method}`, `INTERPOLATION_DEGREE = ${s.interpolation.degree}`);
    out.push('META_STOP', '');
    for (const st of s.states) {
      out.push(`${epoch(st.t)} ${num(st.r.x, 6)} ${num(st.r.y, 6)} ${num(st.r.z, 6)} ${num(st.v.x, 9)} ${num(st.v.y, 9)} ${num(st.v.z, 9)}`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Format an OEM in XML (NDM/XML 2.0). */
export function formatOemXml(segments: readonly OemSegmentInput[], originator = 'IDOC', creation = Date.now()): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<oem id="CCSDS_OEM_VERS" version="2.0">', '  <header>',
    `    <CREATION_DATE>${epoch(creation)}</CREATION_DATE>`, `    <ORIGINATOR>${originator}</ORIGINATOR>`, '  </header>', '  <body>'];
  for (const s of segments) {
    out.push('    <segment>', '      <metadata>', `        <OBJECT_NAME>${s.objectName}</OBJECT_NAME>`, `        <OBJECT_ID>${s.objectId}</OBJECT_ID>`,
      '        <CENTER_NAME>EARTH</CENTER_NAME>', `        <REF_FRAME>${s.refFrame}</REF_FRAME>`, '        <TIME_SYSTEM>UTC</TIME_SYSTEM>',
      `        <START_TIME>${epoch(s.states[0]!.t)}</START_TIME>`);
    if (s.useableStart !== undefined) out.push(`        <USEABLE_START_TIME>${epoch(s.useableStart)}</USEABLE_START_TIME>`);
    if (s.useableStop !== undefined) out.push(`        <USEABLE_STOP_TIME>${epoch(s.useableStop)}</USEABLE_STOP_TIME>`);
    out.push(`        <STOP_TIME>${epoch(s.states.at(-1)!.t)}</STOP_TIME>`);
    if (s.interpolation) out.push(`        <INTERPOLATION>${s.interpolation.method}</INTERPOLATION>`, `        <INTERPOLATION_DEGREE>${s.interpolation.degree}</INTERPOLATION_DEGREE>`);
    out.push('      </metadata>', '      <data>');
    for (const st of s.states) {
      out.push(`        <stateVector><EPOCH>${epoch(st.t)}</EPOCH><X>${num(st.r.x, 6)}</X><Y>${num(st.r.y, 6)}</Y><Z>${num(st.r.z, 6)}</Z>` +
        `<X_DOT>${num(st.v.x, 9)}</X_DOT><Y_DOT>${num(st.v.y, 9)}</Y_DOT><Z_DOT>${num(st.v.z, 9)}</Z_DOT></stateVector>`);
    }
    out.push('      </data>', '    </segment>');
  }
  out.push('  </body>', '</oem>', '');
  return out.join('\n');
}
