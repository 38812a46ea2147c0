import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FULL_INPUT, SMALL_INPUT } from './_test-fixtures.js';
import { collectionInventory, collectionLabel } from './collection.js';
import { defaultInvestigationLid, l0Label, PRIMARY_HEADER_BITS } from './l0-label.js';
import { packetRuns, runsToPackets } from './packet-runs.js';

describe('packetRuns()', () => {
  it('groups consecutive contiguous packets of equal length', () => {
    expect(packetRuns([{ offset: 0, length: 11 }, { offset: 11, length: 11 }, { offset: 22, length: 20 }, { offset: 42, length: 11 }])).toEqual([
      { offset: 0, length: 11, records: 2 },
      { offset: 22, length: 20, records: 1 },
      { offset: 42, length: 11, records: 1 },
    ]);
  });
  it('starts a new run after a hole in the file even at equal length', () => {
    expect(packetRuns([{ offset: 0, length: 7 }, { offset: 8, length: 7 }])).toEqual([
      { offset: 0, length: 7, records: 1 },
      { offset: 8, length: 7, records: 1 },
    ]);
  });
  it('rejects lengths outside 7…65542 and overlaps', () => {
    expect(() => packetRuns([{ offset: 0, length: 6 }])).toThrow(RangeError);
    expect(() => packetRuns([{ offset: 0, length: 65543 }])).toThrow(RangeError);
    expect(() => packetRuns([{ offset: 0, length: 10 }, { offset: 5, length: 10 }])).toThrow(/overlaps/);
  });
  it('round-trips through runsToPackets, and runs never touch with equal length', () => {
    const packets = fc.array(fc.record({ gap: fc.nat(3), length: fc.constantFrom(7, 8, 100, 65542) }), { maxLength: 60 }).map((xs) => {
      let offset = 0;
      return xs.map(({ gap, length }) => {
        offset += gap;
        const p = { offset, length };
        offset += length;
        return p;
      });
    });
    fc.assert(fc.property(packets, (ps) => {
      const runs = packetRuns(ps);
      expect(runsToPackets(runs)).toEqual(ps);
      for (let i = 1; i < runs.length; i++) {
        const a = runs[i - 1]!;
        const b = runs[i]!;
        expect(a.length === b.length && a.offset + a.length * a.records === b.offset).toBe(false);
      }
    }));
  });
});

describe('l0Label()', () => {
  const label = l0Label(SMALL_INPUT);
  it('is byte-identical for the same input', () => {
    expect(l0Label({ ...SMALL_INPUT })).toBe(label);
  });
  it('describes the packet file as one Array_1D of as many octets as the file holds', () => {
    expect(label.match(/<Array_1D>/g)).toHaveLength(1);
    expect(label).not.toContain('<Table_Binary>');
    expect(label).toMatch(/<Element_Array>\s*<data_type>UnsignedByte<\/data_type>\s*<\/Element_Array>\s*<Axis_Array>\s*<axis_name>octet<\/axis_name>\s*<elements>53<\/elements>/);
  });
  it('has the same size for 4 packets and for 4 million', () => {
    const big = l0Label({ ...SMALL_INPUT, packetCount: 4_000_000, dataFile: { ...SMALL_INPUT.dataFile, size: 4_000_000_000 }, quality: { ...SMALL_INPUT.quality, packets: 4_000_000 } });
    expect(Math.abs(big.length - label.length)).toBeLessThan(100); // only the digits of the counts differ
  });
  it('writes purpose, Mission_Area (PSA elements) and the references of an archive label', () => {
    const full = l0Label(FULL_INPUT);
    expect(full).toContain('xmlns:psa="http://psa.esa.int/psa/v1"');
    expect(full).toContain('<purpose>Engineering</purpose>');
    expect(full).toMatch(/<psa:Mission_Information>\s*<psa:spacecraft_clock_start_count>1\/0978307200:00000</);
    expect(full).toContain('<psa:processing_software_title>idoc</psa:processing_software_title>');
    expect(full).toMatch(/<lidvid_reference>urn:esa:psa:juice_majis:geometry:[^<]+::1\.0<\/lidvid_reference>\s*<reference_type>data_to_geometry</);
    expect(full).toContain('<lid_reference>urn:esa:psa:context:instrument:juice.majis</lid_reference>');
    // the Mission_Area closes the Observation_Area; the Reference_List follows it
    expect(full.indexOf('</Mission_Area>')).toBeLessThan(full.indexOf('</Observation_Area>'));
    expect(full.indexOf('<Reference_List>')).toBeGreaterThan(full.indexOf('</Observation_Area>'));
    expect(label).not.toContain('<psa:');
  });
  it('puts file size, lower-case md5, record count and the quality summary in the label', () => {
    expect(label).toContain('<file_size unit="byte">53</file_size>');
    expect(label).toContain('<records>4</records>');
    expect(label).toContain('<md5_checksum>0123456789abcdef0123456789abcdef</md5_checksum>');
    expect(label).toContain('packets=4, sequence_gaps=1, crc_errors=0, decompression_failures=0');
    expect(label).toContain('<processing_level>Raw</processing_level>');
    expect(l0Label({ ...SMALL_INPUT, processingLevel: 'Telemetry' })).toContain('<processing_level>Telemetry</processing_level>');
  });
  it('describes the primary header bit fields as 48 contiguous bits (CCSDS 133.0-B-2 §4.1.3)', () => {
    const widths = PRIMARY_HEADER_BITS.map((b) => b.stop - b.start + 1);
    expect(widths).toEqual([3, 1, 1, 11, 2, 14, 16]);
    PRIMARY_HEADER_BITS.forEach((b, i) => expect(b.start).toBe(i === 0 ? 1 : PRIMARY_HEADER_BITS[i - 1]!.stop + 1));
  });
  it('derives the investigation context LID in the PSA form', () => {
    expect(defaultInvestigationLid('urn:esa:psa:em16_tgo_nmd:data_raw:x', 'EM16')).toBe('urn:esa:psa:context:investigation:mission.em16');
  });
});

describe('collectionInventory()', () => {
  it('writes P,<lidvid> records ended by CRLF', () => {
    const inv = collectionInventory(['urn:esa:psa:b:c:p1::1.0', 'urn:esa:psa:b:c:p2::2.1']);
    expect(inv).toBe('P,urn:esa:psa:b:c:p1::1.0\r\nP,urn:esa:psa:b:c:p2::2.1\r\n');
    expect(inv.split('\n').every((l) => l === '' || l.endsWith('\r'))).toBe(true);
  });
  it('rejects an entry that is not a LIDVID', () => {
    expect(() => collectionInventory(['urn:esa:psa:b:c:p1'])).toThrow(RangeError);
    expect(() => collectionInventory(['urn:esa:psa:B:c:p1::1.0'])).toThrow(RangeError);
  });
  it('collectionLabel() counts records and hashes the inventory bytes', () => {
    const inv = collectionInventory(['urn:esa:psa:b:c:p1::1.0']);
    const label = collectionLabel({ lid: 'urn:esa:psa:b:c', vid: '1.0', title: 't', inventoryFileName: 'c.csv', inventory: inv, productTime: '2031-01-02T00:00:00Z', description: 'd' });
    expect(label).toContain(`<file_size unit="byte">${inv.length}</file_size>`);
    // md5 of "P,urn:esa:psa:b:c:p1::1.0\r\n", computed independently with `printf 'P,urn:esa:psa:b:c:p1::1.0\r\n' | md5sum`
    expect(label).toContain('<md5_checksum>0226f9dff0cbefb2cc332ef5b577f184</md5_checksum>');
    expect(label).toContain('<records>1</records>');
  });
});
