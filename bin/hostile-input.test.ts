/**
 * Hostile text inputs (issue 13): binary junk as TLE/OEM/ITL/EVF/MIB and XML with DOCTYPE/entity declarations or
 * absurd nesting each give one InputError line naming the file (exit 2 in the CLI), through the public loaders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../src/errors.js';
import { MAX_XML_DEPTH, refuseBinary, refuseUnsafeXml } from '../src/text-guard.js';
import { ephemerisFromFile } from '../planning/ephemeris/load.js';
import { parseOemXml } from '../planning/ephemeris/oem-xml.js';
import { parseEvf, parseItl } from '../telecommand/export/itl.js';
import { importMib } from '../telecommand/database/mib/import.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/bin/idoc.js');
let work: string;
const junk = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 256));

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'idoc-guard-'));
  await writeFile(path.join(work, 'junk.bin'), junk);
  await mkdir(path.join(work, 'mib'));
  for (const t of ['ccf', 'cdf', 'cpc']) await writeFile(path.join(work, 'mib', `${t}.dat`), junk);
  await writeFile(path.join(work, 'xxe.xml'), '<?xml version="1.0"?>\n<!DOCTYPE oem [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<oem version="2.0"><header><CREATION_DATE>&xxe;</CREATION_DATE></header></oem>\n');
  await writeFile(path.join(work, 'bomb.xml'), '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<oem>&lol2;</oem>\n');
  await writeFile(path.join(work, 'deep.xml'), `<oem version="2.0">${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</oem>\n`);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const oneLine = (e: unknown): string => {
  expect(e).toBeInstanceOf(InputError);
  const m = (e as Error).message;
  expect(m.includes('\n')).toBe(false);
  return m;
};
const thrown = async (f: () => unknown): Promise<unknown> => {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('refuseBinary() / refuseUnsafeXml()', () => {
  it('text passes, any string either passes or gives one InputError line (property)', () => {
    expect(() => refuseBinary('CCSDS_OEM_VERS = 2.0\r\n\tCOMMENT x\n', 'f', 'an OEM')).not.toThrow();
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (s) => {
      for (const f of [() => refuseBinary(s, 'f', 'x'), () => refuseUnsafeXml(s, 'f')]) {
        try { f(); } catch (e) { oneLine(e); }
      }
    }), { numRuns: 500 });
  });
  it('nesting up to the limit passes; one more is refused with its line', () => {
    expect(() => refuseUnsafeXml(`${'<a>'.repeat(MAX_XML_DEPTH)}${'</a>'.repeat(MAX_XML_DEPTH)}`, 'f')).not.toThrow();
    expect(() => refuseUnsafeXml(`<r>\n${'<a><b/>'.repeat(MAX_XML_DEPTH)}`, 'f')).toThrow(/^f:2: XML nested deeper/);
  });
});

describe('the public loaders refuse hostile files in one line', () => {
  it('binary junk as TLE/OEM, ITL, EVF and MIB', async () => {
    const j = path.join(work, 'junk.bin');
    expect(oneLine(await thrown(() => ephemerisFromFile(j, { format: 'tle' })))).toMatch(/junk\.bin: offset 0x\w+ \(\d+\): binary data .*not a TLE or OEM file/);
    expect(oneLine(await thrown(() => ephemerisFromFile(j, { format: 'oem' })))).toMatch(/binary data/);
    expect(oneLine(await thrown(() => parseItl(junk.toString('utf8'), 'junk.itl')))).toMatch(/^junk\.itl: offset .*not an (EPS\/MAPPS )?ITL timeline/);
    expect(oneLine(await thrown(() => parseEvf(junk.toString('utf8'), 'junk.evf')))).toMatch(/^junk\.evf: .*not an EVF event file/);
    expect(oneLine(await thrown(() => importMib(path.join(work, 'mib'))))).toMatch(/ccf\.dat: offset .*not a MIB table/);
  });
  it('XML with DOCTYPE/entities (XXE, entity expansion) or nested 100,000 deep', async () => {
    expect(oneLine(await thrown(() => ephemerisFromFile(path.join(work, 'xxe.xml'), { format: 'oem' })))).toMatch(/xxe\.xml:2: <!DOCTYPE …> refused/);
    expect(oneLine(await thrown(() => ephemerisFromFile(path.join(work, 'bomb.xml'))))).toMatch(/bomb\.xml:2: <!DOCTYPE/);
    expect(oneLine(await thrown(() => parseOemXml('<oem><!ENTITY x "y"></oem>', 'e.xml')))).toMatch(/^e\.xml:1: <!ENTITY/);
    expect(oneLine(await thrown(() => ephemerisFromFile(path.join(work, 'deep.xml'), { format: 'oem' })))).toMatch(/deep\.xml:1: XML nested deeper than/);
  });
});

describe.skipIf(!existsSync(BIN))('the CLI: one line, exit 2, no stack (built dist/)', () => {
  const idoc = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: 'utf8' });
  it.each([
    ['orbit', 'state', '--oem', 'xxe.xml', '--at', '2026-01-01T00:00:00Z'],
    ['orbit', 'state', '--oem', 'deep.xml', '--at', '2026-01-01T00:00:00Z'],
    ['orbit', 'state', '--tle', 'junk.bin', '--at', '2026-01-01T00:00:00Z'],
    ['plan', 'import-itl', 'junk.bin'],
    ['tc', 'import-mib', 'mib', '--out', 'db.json'],
  ])('idoc %s %s %s %s', (...args) => {
    const r = idoc(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('EPIPE: `idoc packets dump … | head -1` ends quietly', () => {
    const sample = path.resolve(path.dirname(BIN), '../../fixtures/sample/sim.dds');
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" packets dump "${sample}" | head -1 >/dev/null; echo "status=$?"`], { encoding: 'utf8' });
    // `head` closes the pipe after one line: the dump must not print an EPIPE trace.
    expect(r.stderr).toBe('');
    const r2 = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" packets dump "${sample}" --json 2>&1 >/dev/null | cat; "${process.execPath}" "${BIN}" packets dump "${sample}" 2>&1 | head -c 10 >/dev/null`], { encoding: 'utf8' });
    expect(r2.stdout).toBe('');
    expect(r2.stderr).toBe('');
  });
});
