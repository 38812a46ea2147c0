/** @module Shared test inputs for the PDS4 tests (not part of the public API). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { L0LabelInput } from './l0-label.js';

/** `../shared/pds4` beside the repository root, as the tests see it. */
export const SHARED_PDS4 = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/pds4');
export const HAVE_SHARED_PDS4 = existsSync(path.join(SHARED_PDS4, 'PDS4_PDS_1Q00.xsd')) && existsSync(path.join(SHARED_PDS4, 'PDS4_PDS_1Q00.sch'));
export const SKIP_MESSAGE = `PDS4 schema files not found in ${SHARED_PDS4}: validation tests skipped`;

/** Four packets (two of 11 octets, one of 20, one of 11: 53 octets). */
export const SMALL_INPUT: L0LabelInput = {
  lid: 'urn:esa:psa:juice_majis:data_raw:majis_l0_20310101t000000',
  vid: '1.0',
  title: 'JUICE MAJIS L0 raw telemetry 2031-01-01',
  start: '2031-01-01T00:00:00.000Z',
  stop: '2031-01-01T00:59:59.500Z',
  missionName: 'JUICE',
  instrumentName: 'MAJIS',
  instrumentHostName: 'JUICE',
  targetName: 'Jupiter',
  dataFile: { name: 'majis_l0_20310101t000000.dat', size: 53, md5: '0123456789ABCDEF0123456789abcdef' },
  packetCount: 4,
  quality: { packets: 4, gaps: 1, crcErrors: 0, decompressionFailures: 0 },
  productTime: '2031-01-02T03:04:05.000Z',
  sourceProducts: { ids: ['DDS_MAJIS_20310101.dat'], curatingFacility: 'ESA ESOC' },
};

/** 1-based line of the first occurrence of `needle` in `text`. */
export const lineOfText = (text: string, needle: string): number => {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`not in text: ${needle}`);
  return text.slice(0, at).split('\n').length;
};

/** {@link SMALL_INPUT} with everything an archive label carries: Mission_Area, references, engineering purpose. */
export const FULL_INPUT: L0LabelInput = {
  ...SMALL_INPUT,
  purpose: 'Engineering',
  contextLids: {
    instrumentHost: 'urn:esa:psa:context:instrument_host:spacecraft.juice',
    instrument: 'urn:esa:psa:context:instrument:juice.majis',
    target: 'urn:nasa:pds:context:target:planet.jupiter',
  },
  mission: {
    clockStart: '1/0978307200:00000', clockStop: '1/0978310799:32768',
    phase: { name: 'Jupiter Tour', id: 'jt' }, startOrbit: 12, stopOrbit: 13,
    subInstrument: { identifier: 'VISNIR', name: 'MAJIS visible and near-infrared channel', type: 'Spectrometer' },
    processing: { software: 'idoc', version: '0.1.0', inputs: [{ type: 'telemetry', fileName: 'DDS_MAJIS_20310101.dat' }, { type: 'ephemeris', fileName: 'juice.oem' }] },
  },
  references: [{ lidReference: 'urn:esa:psa:juice_majis:geometry:majis_l0_20310101t000000_geometry::1.0', type: 'data_to_geometry', comment: 'Geometry along the product span' }],
};
