/**
 * Acceptance on real data (../shared/samples, see its SOURCES.md): IMAP CoDICE housekeeping APID 1136 decoded
 * with the team's XTCE equals the team's raw export row for row; CTIM decoded with its XTCE gives the packet
 * counts per APID that SOURCES.md lists (computed there with an independent parser) and plausible values.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadXtce } from '../../src/mdb/xtce/load.js';
import { splitBuffer } from '../framing/index.js';
import { compileDecoder, type ContainerTable, type Decoder } from './compile.js';

const SAMPLES = path.resolve('..', 'shared', 'samples');
const have = (...f: string[]) => f.every((x) => existsSync(path.join(SAMPLES, x)));

function decodeFile(xtce: string, packets: string): Decoder {
  const dec = compileDecoder(loadXtce(readFileSync(path.join(SAMPLES, xtce), 'utf8'), xtce));
  const { batch } = splitBuffer(readFileSync(path.join(SAMPLES, packets)), { framing: 'raw', crc: 'no' });
  for (const p of batch.packets) {
    const r = dec.decode(p.buf, p.offset, p.length, undefined, p.apid);
    if (typeof r === 'string') throw new Error(`APID ${p.apid}: ${r}`);
  }
  return dec;
}

function csv(file: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path.join(SAMPLES, file), 'utf8').split(/\r?\n/).filter((l) => l !== '');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

const table = (dec: Decoder, name: string): ContainerTable => {
  const t = dec.tables().find((x) => x.container.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
};
const column = (t: ContainerTable, name: string) => {
  const c = t.columns.find((x) => x.field.parameter.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
};

const CODICE = ['P_COD_NHK.xml', 'imap_codice_l0_hskp_20100101_v001.pkts', 'idle_export_raw.COD_NHK_20230822_122700.csv', 'idle_export_eu.COD_NHK_20230822_122700.csv'];

describe.skipIf(!have(...CODICE))('CoDICE housekeeping APID 1136 (P_COD_NHK.xml) against the team export', () => {
  const dec = decodeFile(CODICE[0]!, CODICE[1]!);
  const nhk = table(dec, 'P_COD_NHK');

  test('decodes the 99 APID-1136 packets into P_COD_NHK, each 16 bits short of its packet (the CRC the XTCE leaves out)', () => {
    expect(nhk.rows).toBe(99);
    expect([...nhk.apid.subarray(0, nhk.rows)].every((a) => a === 1136)).toBe(true);
    expect(nhk.lengthMismatches).toBe(99);
    expect(nhk.firstMismatch!.packetBits - nhk.firstMismatch!.usedBits).toBe(16);
  });

  test('raw values equal the raw export, row for row and column for column', () => {
    const { header, rows } = csv(CODICE[2]!);
    expect(rows.length).toBe(nhk.rows);
    const names = header.filter((h) => h !== 'timestamp');
    expect(names.length).toBe(122);
    let compared = 0;
    for (const name of names) {
      const c = column(nhk, name);
      const k = header.indexOf(name);
      for (let r = 0; r < rows.length; r++) {
        expect(String(dec.engineering(c, r)), `${name} row ${r + 1}`).toBe(rows[r]![k]);
        compared++;
      }
    }
    expect(compared).toBe(122 * 99);
  });

  test('engineering values equal the EU export wherever the export did not convert; the XTCE carries no conversions', () => {
    // P_COD_NHK.xml has no calibrator or enumeration (only IntegerParameterType with IntegerDataEncoding), so an
    // engineering value is the raw integer. The team's EU export applies analog conversions and state texts from
    // their own tables, which are not in this XTCE: those columns cannot come out of this definition file.
    const xml = readFileSync(path.join(SAMPLES, CODICE[0]!), 'utf8');
    expect(xml).not.toMatch(/Calibrator|EnumerationList/);
    const raw = csv(CODICE[2]!);
    const eu = csv(CODICE[3]!);
    expect(eu.header).toEqual(raw.header);
    let same = 0;
    for (const name of eu.header.filter((h) => h !== 'timestamp')) {
      const k = eu.header.indexOf(name);
      const unconverted = eu.rows.every((row, r) => row[k] === raw.rows[r]![k]);
      if (!unconverted) continue;
      same++;
      const c = column(nhk, name);
      for (let r = 0; r < eu.rows.length; r++) expect(String(dec.engineering(c, r)), `${name} row ${r + 1}`).toBe(eu.rows[r]![k]);
    }
    expect(same).toBeGreaterThan(0);
  });
});

const CTIM = ['ctim_xtce_v1.xml', 'ccsds_2021_155_14_39_51'];

describe.skipIf(!have(...CTIM))('CTIM (ctim_xtce_v1.xml)', () => {
  const dec = decodeFile(CTIM[0]!, CTIM[1]!);

  test('packet counts per APID are those of SOURCES.md (1 ×104, 20 ×6, 32 ×104, 33, 34, 39 ×1, 41 ×1147, 42 ×72, 47 ×63)', () => {
    const counts = Object.fromEntries(dec.tables().map((t) => [t.container.name, t.rows]));
    expect(counts).toEqual({
      APID_1_Packet: 104, APID_20_Packet: 6, APID_32_Packet: 104, APID_33_Packet: 1, APID_34_Packet: 1,
      APID_39_Packet: 1, APID_41_Packet: 1147, APID_42_Packet: 72, APID_47_Packet: 63,
    });
    for (const t of dec.tables()) expect([...t.apid.subarray(0, t.rows)].every((a) => t.container.name === `APID_${a}_Packet`)).toBe(true);
  });

  test('image packets (APIDs 32–47) fill their packets exactly', () => {
    for (const name of ['APID_32_Packet', 'APID_33_Packet', 'APID_34_Packet', 'APID_39_Packet', 'APID_41_Packet', 'APID_42_Packet', 'APID_47_Packet'])
      expect(table(dec, name).lengthMismatches, name).toBe(0);
  });

  test('spot values are physically plausible', () => {
    const hk = table(dec, 'APID_1_Packet');
    // Processor temperature (signed 16-bit) within an electronics operating range, °C.
    const temp = column(hk, 'ana_proc_temp');
    for (let r = 0; r < hk.rows; r++) expect(temp.raw[r]).toBeGreaterThan(-40), expect(temp.raw[r]).toBeLessThan(85);
    // Spacecraft clock seconds never go back and advance ~1 s per housekeeping packet over the pass.
    const sh = column(hk, 'SHCOARSE').raw as Float64Array;
    for (let r = 1; r < hk.rows; r++) expect(sh[r]!).toBeGreaterThanOrEqual(sh[r - 1]!);
    expect(sh[hk.rows - 1]! - sh[0]!).toBeGreaterThan(100);
    expect(sh[hk.rows - 1]! - sh[0]!).toBeLessThan(1000);
    // Flight software version is one value over the pass.
    expect(new Set([...(column(hk, 'sw_minor_version').raw as Float64Array).subarray(0, hk.rows)]).size).toBe(1);
    // IEEE-754 image statistics of the binned frame: 16-bit CCD counts, spread below the mean.
    const bin = table(dec, 'APID_34_Packet');
    for (const roi of ['raw_over', 'proc_roi1', 'proc_roi2', 'proc_roi3']) {
      const mean = dec.engineering(column(bin, `tlm_stat_mean_bin2d_${roi}`), 0) as number;
      const sd = dec.engineering(column(bin, `tlm_stat_stddev_bin2d_${roi}`), 0) as number;
      expect(mean).toBeGreaterThan(0);
      expect(mean).toBeLessThan(65536);
      expect(sd).toBeGreaterThan(0);
      expect(sd).toBeLessThan(mean);
    }
  });
});
