import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROFILE_PRESETS } from '../ccsds/profile.js';
import { InputError } from '../errors.js';
import { parseConfig, type MissionConfig } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(repoRoot, 'fixtures/config');
const list = (dir: string): string[] => readdirSync(path.join(fixtures, dir)).filter((f) => f.endsWith('.json')).sort();
const read = (dir: string, f: string): string => readFileSync(path.join(fixtures, dir, f), 'utf8');

/**
 * Each invalid fixture has exactly one defect, named in its file name: the one problem expected, as its code and
 * its location (`#pointer` for schema and declaration problems, `:line:column` for JSON syntax).
 */
const INVALID: Record<string, { code: string; at: string }> = {
  'apid-and-apids.json': { code: 'oneOf', at: '#/apids/0' },
  'apid-idle.json': { code: 'apid-idle', at: '#/apids/0/apid' },
  'apid-kind-missing.json': { code: 'required', at: '#/apids/0/kind' },
  'apid-missing.json': { code: 'oneOf', at: '#/apids/0' },
  'apid-not-an-integer.json': { code: 'type', at: '#/apids/0/apid' },
  'apid-out-of-range.json': { code: 'maximum', at: '#/apids/0/apid' },
  'apid-range-includes-idle.json': { code: 'apid-idle', at: '#/apids/0/apids' },
  'apid-range-one-item.json': { code: 'minItems', at: '#/apids/0/apids' },
  'apid-range-reversed.json': { code: 'apid-range', at: '#/apids/0/apids' },
  'apid-range-three-items.json': { code: 'items', at: '#/apids/0/apids' },
  'apids-not-an-array.json': { code: 'type', at: '#/apids' },
  'bad-apid-kind.json': { code: 'enum', at: '#/apids/0/kind' },
  'bad-apid-name.json': { code: 'pattern', at: '#/apids/0/name' },
  'bad-cds-day-octets.json': { code: 'enum', at: '#/packets/time/dayOctets' },
  'bad-crc.json': { code: 'enum', at: '#/packets/crc' },
  'bad-epoch-format.json': { code: 'format', at: '#/packets/time/epoch' },
  'bad-epoch-scale.json': { code: 'enum', at: '#/packets/time/epochScale' },
  'bad-profile.json': { code: 'enum', at: '#/packets/profile' },
  'bad-time-code.json': { code: 'enum', at: '#/packets/time/code' },
  'cds-field-in-cuc.json': { code: 'additionalProperties', at: '#/packets/time/dayOctets' },
  'coarse-octets-out-of-range.json': { code: 'maximum', at: '#/packets/time/coarseOctets' },
  'crc-not-a-string.json': { code: 'type', at: '#/packets/crc' },
  'duplicate-key.json': { code: 'duplicate-key', at: '#/packets/crc' },
  'duplicate-name.json': { code: 'duplicate-name', at: '#/apids/1/name' },
  'empty-file.json': { code: 'json-syntax', at: ':1:1' },
  'epoch-second-60-on-ordinary-day.json': { code: 'epoch', at: '#/packets/time/epoch' },
  'epoch-without-scale.json': { code: 'dependentRequired', at: '#/packets/time/epochScale' },
  'json-with-comment.json': { code: 'json-syntax', at: ':2:3' },
  'max-packet-length-too-large.json': { code: 'maximum', at: '#/packets/maxPacketLength' },
  'missing-mission-name.json': { code: 'required', at: '#/mission/name' },
  'missing-mission.json': { code: 'required', at: '#/mission' },
  'not-an-object.json': { code: 'type', at: '#' },
  'not-json.json': { code: 'json-syntax', at: ':2:34' },
  'overlapping-apids.json': { code: 'apid-overlap', at: '#/apids/1/apid' },
  'period-zero.json': { code: 'exclusiveMinimum', at: '#/apids/0/periodSeconds' },
  'pus-a-unknown-option.json': { code: 'additionalProperties', at: '#/packets/pusA/checksum' },
  'reserved-section-not-an-object.json': { code: 'type', at: '#/feeds' },
  'single-quoted-string.json': { code: 'json-syntax', at: ':1:24' },
  'spacecraft-id-negative.json': { code: 'minimum', at: '#/mission/spacecraftId' },
  'time-code-missing.json': { code: 'required', at: '#/packets/time/code' },
  'unknown-apid-property.json': { code: 'additionalProperties', at: '#/apids/0/rate' },
  'unknown-packets-property.json': { code: 'additionalProperties', at: '#/packets/crcType' },
  'unknown-property.json': { code: 'additionalProperties', at: '#/colour' },
};

/** What each valid fixture must resolve to, beyond parsing. */
const VALID: Record<string, (c: MissionConfig) => void> = {
  'minimum-fields.json': (c) => {
    expect(c.mission).toEqual({ name: 'Minimal' });
    expect(c.profile).toEqual(PROFILE_PRESETS['pus-c']);
    expect(c.apids).toEqual([]);
    expect(c.maxPacketLength).toBe(65542);
  },
  'all-fields.json': (c) => {
    expect(c.mission).toEqual({ name: 'Everything', spacecraft: 'FULLSAT', instrument: 'ALL', spacecraftId: 1023 });
    // J2000 = 2000-01-01T11:58:55.816 UTC: 15340 days × 86400 s + 43135.816 s + ΔAT 32 s (formats.md §3.3).
    expect(c.profile.time).toEqual({ code: 'cuc', coarseOctets: 4, fineOctets: 3, pField: true, epochTai: 15340 * 86400 + 43135.816 + 32, syncFlagInMsb: true });
    expect(c.profile.crc).toBe('no');
    expect(c.profile.pusA).toEqual({ subcounter: true, destinationOctets: 1, spareOctets: 2, tcSourceOctets: 1 });
    expect(c.profile.pusCSpareOctets).toBe(1);
    expect(c.apids.map((d) => [d.apids.from, d.apids.to, d.name, d.instrument])).toEqual([
      [0, 0, 'ALL_TIME', 'OBC'],
      [10, 19, 'ALL_SCI', 'ALL'],
      [20, 20, 'ALL_DUMP', 'ALL'],
      [2046, 2046, 'ALL.OTHER-1', 'ALL'],
      [30, 30, 'ALL_EVT', 'ALL'],
      [31, 31, 'ALL_HK', 'ALL'],
    ]);
    expect((c.raw as { feeds: unknown }).feeds).toEqual({ incoming: { kind: 'drop-folder', dir: 'incoming' } });
  },
  'rosetta.json': (c) => {
    // The preset's epoch (2003-01-01 UTC, written in profile.ts from formats.md §2.1) via the leap-second table.
    expect(c.profile).toEqual(PROFILE_PRESETS['rosetta']);
    expect(c.apids[1]?.apids).toEqual({ from: 1073, to: 1075 });
  },
  'pus-a.json': (c) => {
    expect(c.profile.secondaryHeader).toBe('pus-a');
    expect(c.profile.crc).toBe('yes');
    expect(c.profile.pusA).toEqual({ subcounter: true, destinationOctets: 1, spareOctets: 0, tcSourceOctets: 0 });
  },
  'cds.json': (c) => {
    // TAI digits: 15340 days after 1958-01-01, no leap seconds added.
    expect(c.profile.time).toEqual({ code: 'cds', dayOctets: 3, subMs: 'us', pField: false, epochTai: 15340 * 86400 });
    expect(c.profile.crc).toBe('auto');
  },
  'time-code-only.json': (c) => {
    // NOAA-20/JPSS: the secondary header is a CDS day/ms/µs alone (profile.ts CDS_US_TIME); CRC per APID.
    expect(c.profile).toEqual({ ...PROFILE_PRESETS['cds'], crc: 'none' });
    expect(c.profile.time).toEqual({ code: 'cds', dayOctets: 2, subMs: 'us', pField: false, epochTai: 0 });
    expect(c.apids.map((d) => [d.apids.from, d.crc])).toEqual([[11, undefined], [12, 'data-field']]);
  },
  'no-secondary-header.json': (c) => {
    expect(c.profile.secondaryHeader).toBe('none');
  },
};

describe('fixtures/config', () => {
  it('every fixture has an expectation and every expectation a fixture', () => {
    expect(list('valid')).toEqual(Object.keys(VALID).sort());
    expect(list('invalid')).toEqual(Object.keys(INVALID).sort());
  });

  it.each(list('valid'))('valid/%s parses and resolves as expected', (f) => {
    const config = parseConfig(read('valid', f), f);
    expect(config.file).toBe(f);
    VALID[f]?.(config);
  });

  it.each(list('invalid'))('invalid/%s gives exactly the one problem its name says', (f) => {
    let error: unknown;
    try {
      parseConfig(read('invalid', f), f);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const problems = (error as InputError).problems;
    const expected = INVALID[f];
    expect(problems.map((p) => ({ code: p.code, path: p.path }))).toEqual([{ code: expected?.code, path: `${f}${expected?.at}` }]);
    expect(problems[0]?.message.length).toBeGreaterThan(10);
    expect((error as InputError).message.startsWith(`${f}: `)).toBe(true);
  });
});
