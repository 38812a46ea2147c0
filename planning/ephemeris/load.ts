/**
 * @module Open an ephemeris file by its content: an OEM in KVN (`CCSDS_OEM_VERS`), an OEM in XML (`<oem`),
 * or two-line element sets.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../src/errors.js';
import { refuseBinary } from '../../src/text-guard.js';
import { oemEphemeris } from './oem.js';
import { parseOemKvn } from './oem-kvn.js';
import { parseOemXml } from './oem-xml.js';
import { parseTle, selectObject, tleEphemeris } from './tle.js';
import type { Ephemeris, EphemerisOptions } from './types.js';

/** Which reader a text needs (an XML `<ndm>` combined instantiation is read as an OEM in XML). */
export function detectEphemerisFormat(text: string): 'oem-kvn' | 'oem-xml' | 'tle' | undefined {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  if (/^\s*CCSDS_OEM_VERS\s*=/m.test(head)) return 'oem-kvn';
  if (/<(?:\w+:)?(?:oem|ndm)[\s>]/.test(head)) return 'oem-xml';
  if (/^1 [0-9A-Z ]{5}/m.test(head)) return 'tle';
  return undefined;
}

/** Build an ephemeris from text already read. `file` names it in messages. */
export function ephemerisFromText(text: string, file: string, options: EphemerisOptions = {}, format = detectEphemerisFormat(text)): Ephemeris {
  switch (format) {
    case 'oem-kvn': return oemEphemeris(parseOemKvn(text, file), file, options);
    case 'oem-xml': return oemEphemeris(parseOemXml(text, file), file, options);
    case 'tle': return tleEphemeris(selectObject(parseTle(text, file), file, options.object), file, options);
    default: throw new InputError(`${file}:1: neither an OEM (KVN or XML) nor two-line element sets`);
  }
}

/**
 * Open an ephemeris file (TLE, OEM KVN or OEM XML, recognised by content).
 * @throws InputError naming file and line for anything unusable; file-system errors as they come.
 */
export async function ephemerisFromFile(path: string, options: EphemerisOptions & { readonly format?: 'tle' | 'oem' } = {}): Promise<Ephemeris> {
  const text = await readFile(path, 'utf8');
  refuseBinary(text, path, 'a TLE or OEM file');
  let format = detectEphemerisFormat(text);
  if (options.format === 'tle' && format !== 'tle') throw new InputError(`${path}:1: no two-line element sets found`);
  if (options.format === 'oem' && format !== 'oem-kvn' && format !== 'oem-xml') throw new InputError(`${path}:1: not an OEM (no CCSDS_OEM_VERS or <oem>)`);
  if (format === undefined && options.format === 'tle') format = 'tle';
  return ephemerisFromText(text, path, options, format);
}
