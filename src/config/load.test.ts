import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../ccsds/profile.js';
import { reportError } from '../../bin/cli/exit.js';
import type { Io } from '../io.js';
import { InputError } from '../errors.js';
import { defaultConfig, findConfig, loadConfig, parseConfig } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sampleFile = path.join(repoRoot, 'fixtures/sample-mission/idoc.json');
const tmp = mkdtempSync(path.join(tmpdir(), 'idoc-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function thrown(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

function printed(e: unknown): string[] {
  const lines: string[] = [];
  const io: Io = { out: () => undefined, err: (t) => void lines.push(...t.split('\n').filter((l) => l !== '')), errIsTty: false };
  expect(reportError(e, io)).toBe(2);
  return lines;
}

describe('loadConfig()', () => {
  it('loads the sample mission: SIM on SAMPLESAT, PUS-C, CUC 4+2 from 2000-01-01 UTC, CRC yes', async () => {
    const c = await loadConfig(sampleFile);
    expect(c.file).toBe(sampleFile);
    expect(c.mission).toEqual({ name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM', spacecraftId: 42 });
    // 2000-01-01T00:00:00 UTC = 15340 days after 1958-01-01 + ΔAT 32 s (formats.md §3.3, table row 1999-01-01).
    expect(c.profile).toEqual({
      ...DEFAULT_PROFILE,
      crc: 'yes',
      time: { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: false, epochTai: 15340 * 86_400 + 32, syncFlagInMsb: false },
    });
    expect(c.maxPacketLength).toBe(4096);
    expect(c.apids.map((d) => [d.apids.from, d.name, d.kind, d.periodSeconds, d.instrument])).toEqual([
      [1100, 'SIM_HK_FAST', 'housekeeping', 1, 'SIM'],
      [1101, 'SIM_HK_SLOW', 'housekeeping', 1, 'SIM'],
      [1110, 'SIM_SCI', 'science', undefined, 'SIM'],
      [1120, 'SIM_EVT', 'event', undefined, 'SIM'],
    ]);
    expect(c.apids.every((d) => d.apids.from === d.apids.to)).toBe(true);
    expect(c.raw).toMatchObject({ mission: { name: 'Sample' } });
  });

  it('gives the absolute path as file while messages keep the name as given', async () => {
    const dir = path.join(tmp, 'rel');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'idoc.json'), '{"mission": {"name": 1}}');
    const rel = path.relative(process.cwd(), path.join(dir, 'idoc.json'));
    await expect(loadConfig(rel)).rejects.toMatchObject({ problems: [{ code: 'type', path: `${rel}#/mission/name` }] });
    writeFileSync(path.join(dir, 'idoc.json'), '{"mission": {"name": "M"}}');
    expect((await loadConfig(rel)).file).toBe(path.join(dir, 'idoc.json'));
  });

  it('reports a missing file as one InputError naming it', async () => {
    const missing = path.join(tmp, 'nope.json');
    const e = await loadConfig(missing).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(printed(e)).toEqual([`idoc: ${missing}: cannot read the configuration`, `  ${missing}: no such file (ENOENT)`]);
  });
});

describe('parseConfig() problems', () => {
  it('reports every problem of a file at once, one line each, naming file and pointer', () => {
    const text = JSON.stringify({
      mission: { name: 'M', colour: 'red' },
      packets: { crc: 'maybe', time: { code: 'cuc', coarseOctets: 9 } },
      apids: [
        { apid: 100, name: 'A', kind: 'science' },
        { apids: [90, 110], name: 'A', kind: 'science' },
        { apid: 2047, name: 'IDLE', kind: 'other' },
      ],
    });
    const e = thrown(() => parseConfig(text, 'm.json'));
    expect(e.message).toBe('m.json: 6 problems in the mission configuration');
    expect(e.problems.map((p) => [p.code, p.path])).toEqual([
      ['additionalProperties', 'm.json#/mission/colour'],
      ['enum', 'm.json#/packets/crc'],
      ['maximum', 'm.json#/packets/time/coarseOctets'],
      ['duplicate-name', 'm.json#/apids/1/name'],
      ['apid-overlap', 'm.json#/apids/1/apids'],
      ['apid-idle', 'm.json#/apids/2/apid'],
    ]);
    const lines = printed(e);
    expect(lines[0]).toBe('idoc: m.json: 6 problems in the mission configuration');
    expect(lines.length).toBe(1 + e.problems.length);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}m\.json#\/\S*: \S/);
    expect(lines).toContain('  m.json#/packets/crc: must be one of "none", "packet", "data-field", "auto", "yes", "no" (got "maybe")');
    expect(lines).toContain('  m.json#/apids/1/apids: APID 100 already declared by /apids/0 (A)');
  });

  it('reports an overlap once per pair of entries, with the shared APIDs', () => {
    const text = JSON.stringify({
      mission: { name: 'M' },
      apids: [
        { apids: [10, 20], name: 'A', kind: 'science' },
        { apids: [15, 30], name: 'B', kind: 'science' },
        { apids: [18, 18], name: 'C', kind: 'science' },
      ],
    });
    expect(thrown(() => parseConfig(text, 'o.json')).problems.map((p) => `${p.path} ${p.message}`)).toEqual([
      'o.json#/apids/1/apids APIDs 15..20 already declared by /apids/0 (A)',
      'o.json#/apids/2/apids APID 18 already declared by /apids/0 (A)',
      'o.json#/apids/2/apids APID 18 already declared by /apids/1 (B)',
    ]);
  });

  it('accepts adjacent ranges and ranges ending at 2046', () => {
    const text = JSON.stringify({
      mission: { name: 'M' },
      apids: [
        { apids: [0, 9], name: 'A', kind: 'science' },
        { apids: [10, 2046], name: 'B', kind: 'other' },
      ],
    });
    expect(parseConfig(text, 'ok.json').apids.map((d) => d.apids)).toEqual([{ from: 0, to: 9 }, { from: 10, to: 2046 }]);
  });

  it('escapes pointer tokens of odd property names (RFC 6901)', () => {
    const e = thrown(() => parseConfig('{"mission": {"name": "M"}, "a/b~c": 1}', 'p.json'));
    expect(e.problems.map((p) => p.path)).toEqual(['p.json#/a~1b~0c']);
  });

  it('prints invalid JSON as one line with file, line and column', () => {
    const e = thrown(() => parseConfig('{\n  "mission": {"name": "M"}\n  "apids": []\n}', 'j.json'));
    expect(printed(e)).toEqual(['idoc: j.json: not valid JSON', "  j.json:3:3: unexpected '\"': expected ',' or '}' after a property value"]);
  });

  it('keeps the epoch default of the preset when only the time code shape changes', () => {
    const c = parseConfig(JSON.stringify({ mission: { name: 'R' }, packets: { profile: 'rosetta', time: { code: 'cuc', fineOctets: 3 } } }), 'r.json');
    expect(c.profile.time).toEqual({ code: 'cuc', coarseOctets: 4, fineOctets: 3, pField: false, epochTai: 1420070432, syncFlagInMsb: true });
    const d = parseConfig(JSON.stringify({ mission: { name: 'R' }, packets: { profile: 'rosetta', time: { code: 'cds' } } }), 'r.json');
    expect(d.profile.time).toEqual({ code: 'cds', dayOctets: 2, subMs: 'none', pField: false, epochTai: 0 });
  });
});

describe('defaultConfig()', () => {
  it('is PUS-C, CUC 4+2 at the CCSDS epoch, CRC auto, no APIDs, 65542-octet packets, no file', () => {
    const c = defaultConfig();
    expect(c.file).toBeUndefined();
    expect(c.profile).toEqual({ secondaryHeader: 'pus-c', time: { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: false, epochTai: 0, syncFlagInMsb: false }, crc: 'auto', pusA: { subcounter: false, destinationOctets: 0, spareOctets: 0, tcSourceOctets: 0 }, pusCSpareOctets: 0, pusCUnsynchronisedTimeReference: 0 });
    expect(c.apids).toEqual([]);
    expect(c.maxPacketLength).toBe(65_535 + 7);
  });

  it('equals what a minimal file resolves to, apart from name, file and raw', () => {
    const { mission: _m, file: _f, raw: _r, ...fromFile } = parseConfig('{"mission": {"name": "X"}}', 'x.json');
    const { mission: _m2, file: _f2, raw: _r2, ...defaults } = defaultConfig();
    expect(fromFile).toEqual(defaults);
  });
});

describe('findConfig()', () => {
  it('prefers --config, resolved against cwd, even when it does not exist', () => {
    expect(findConfig('sub/m.json', tmp)).toBe(path.join(tmp, 'sub/m.json'));
    expect(findConfig('/abs/m.json', tmp)).toBe(path.resolve('/abs/m.json'));
  });

  it('falls back to ./idoc.json when it is a file, else undefined', () => {
    const dir = path.join(tmp, 'find');
    mkdirSync(dir);
    expect(findConfig(undefined, dir)).toBeUndefined();
    mkdirSync(path.join(dir, 'idoc.json'));
    expect(findConfig(undefined, dir)).toBeUndefined(); // a directory is not a config
    rmSync(path.join(dir, 'idoc.json'), { recursive: true });
    writeFileSync(path.join(dir, 'idoc.json'), '{}');
    expect(findConfig(undefined, dir)).toBe(path.join(dir, 'idoc.json'));
    expect(findConfig(undefined, path.join(repoRoot, 'fixtures/sample-mission'))).toBe(sampleFile);
  });
});

describe('parseConfig() duplicate keys', () => {
  it('reports a key given twice with the line of the repeat, instead of keeping the last silently', () => {
    const e = thrown(() => parseConfig('{\n  "mission": {"name": "A"},\n  "mission": {"name": "B"}\n}', 'd.json'));
    expect(e.problems).toEqual([{ code: 'duplicate-key', path: 'd.json#/mission', message: 'property "mission" given again at line 3, column 3; JSON would keep only the last' }]);
  });
});
